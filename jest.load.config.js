/**
 * `npm run test:load`: the load tests (`*.load.test.ts`): 2,000 GraphQL requests at concurrency 50
 * with one vendor hung, and two 64 MiB vendor answers, each in a child process run with --expose-gc,
 * their latency percentiles and memory printed. About 40 s on two cores, so not part of `npm test`.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['**/*.load.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 300000,
};
