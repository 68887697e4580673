/**
 * `npm run test:scale`: the tests of the vendors at scale (`*.scale.test.ts`): a sync of 10,000
 * people per vendor, its time and peak memory printed, and the vendor calls of a request at two
 * sizes. About 30 s on two cores, so they are not part of `npm test`.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['**/*.scale.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 300000,
};
