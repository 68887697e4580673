/**
 * `npm run test:redis`: what replicas share through Redis (`*.redis.test.ts`): the per-token rate
 * limit across gateways, one gateway's open breaker and Retry-After pause honoured by the others,
 * and an outage of a throwaway `redis-server` of the test's own (fallback, one warning, recovery).
 * It needs the Redis server at 127.0.0.1:6379 (or USERGRAPH_TEST_REDIS_URL); each run writes under a
 * key prefix of its own and deletes it after.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/**/*.redis.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
};
