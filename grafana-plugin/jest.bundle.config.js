// The bundle-load test: evaluates the built dist/**/module.js files (run `npm run build` first;
// `npm test` does). Same transforms and setup as the unit tests, different test folder.
const unit = require('./jest.config');

module.exports = {
  ...unit,
  testMatch: ['<rootDir>/test/bundle/**/*.test.{ts,tsx}'],
  testPathIgnorePatterns: ['/node_modules/'],
};
