/**
 * `npm run test:federation`: the supergraph end to end (`*.federation.test.ts`): the user graph and
 * the sample orders subgraph composed and served by Hive Gateway, on 127.0.0.1. Hive Gateway alone
 * takes about 5 s to load, and the suite about 15 s on two cores, so it is not part of `npm test`.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['**/*.federation.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 60000,
};
