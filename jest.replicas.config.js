/**
 * `npm run test:replicas`: the multi-replica suite (`test/replicas/**\/*.replicas.test.ts`). Each
 * file starts its own gateway processes (the production entry, from source) on one PostgreSQL
 * database of its own on the server at 127.0.0.1:5432 (or USERGRAPH_TEST_POSTGRES_URL), created and
 * dropped by test/helpers/replica-set.ts, with the simulators in the test's process. A few minutes
 * on two cores, so not part of `npm test`.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/replicas/**/*.replicas.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 180000,
};
