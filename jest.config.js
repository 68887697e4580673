/**
 * Jest runs the TypeScript through ts-jest without type checking (`npm run typecheck` does that once).
 * Browser tests (`*.browser.test.ts`) need Chromium: `npm run test:browser` runs them, not `npm test`.
 * Scale tests (`*.scale.test.ts`: vendors of 10,000 people, about 30 s) run with `npm run test:scale`.
 * Load tests (`*.load.test.ts`: 2,000 requests with a vendor hung, about 40 s) run with `npm run test:load`.
 * PostgreSQL tests (`*.pg.test.ts`, and the store's and part of the GraphQL suite again on PostgreSQL)
 * run with `npm run test:pg`, which needs the server at 127.0.0.1:5432 (jest.pg.config.js).
 * Federation tests (`*.federation.test.ts`: the supergraph through Hive Gateway, about 15 s) run with
 * `npm run test:federation`.
 * Redis tests (`*.redis.test.ts`: replicas sharing rate limits and vendor state) run with
 * `npm run test:redis`, which needs the server at 127.0.0.1:6379 (jest.redis.config.js).
 * Replica tests (`*.replicas.test.ts`: several gateway processes on one PostgreSQL database) run with
 * `npm run test:replicas` (jest.replicas.config.js).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: [
    '/node_modules/',
    '\\.browser\\.test\\.ts$',
    '\\.scale\\.test\\.ts$',
    '\\.load\\.test\\.ts$',
    '\\.pg\\.test\\.ts$',
    '\\.federation\\.test\\.ts$',
    '\\.redis\\.test\\.ts$',
    '\\.replicas\\.test\\.ts$',
  ],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  setupFiles: ['reflect-metadata'],
  testTimeout: 20000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
