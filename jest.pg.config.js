/**
 * `npm run test:pg`: the store's suite and a representative part of the GraphQL suite (reads,
 * batching, mutations with rollback and idempotency, concurrent creates of one person, the
 * operations query, sync and the reconciliation report) on PostgreSQL instead of SQLite, plus the PostgreSQL-only tests
 * (`*.pg.test.ts`: concurrency, migrations racing, an outage of a throwaway server). It needs the
 * PostgreSQL server at 127.0.0.1:5432 (or USERGRAPH_TEST_POSTGRES_URL); the global setup creates
 * this run's own database there and the teardown drops it (test/support/postgres-run.js). The test
 * helpers read USERGRAPH_TEST_ENGINE, so the same test files serve both engines.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: [
    '<rootDir>/test/store/**/*.test.ts',
    '<rootDir>/test/graph/queries.test.ts',
    '<rootDir>/test/graph/batching.test.ts',
    '<rootDir>/test/mutations/mutations.test.ts',
    '<rootDir>/test/mutations/concurrent-creates.test.ts',
    '<rootDir>/test/operations.test.ts',
    '<rootDir>/test/sync/sync.test.ts',
    '<rootDir>/test/sync/reconciliation.test.ts',
    '<rootDir>/test/**/*.pg.test.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/test/support/postgres-setup.js',
  globalTeardown: '<rootDir>/test/support/postgres-teardown.js',
};
