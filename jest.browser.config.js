/** The browser tests: the default configuration, for `*.browser.test.ts` only (needs /usr/bin/chromium). */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['**/*.browser.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 60000,
};
