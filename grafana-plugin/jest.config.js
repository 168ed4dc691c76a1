// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
const { grafanaESModules, nodeModulesToTransform } = require('./.config/jest/utils');

// Extensions of create-plugin's jest config (see .config/README.md):
// - d3 3.x packages that @grafana/data 13 pulls in ship only `.mjs`: transform those too;
// - unit tests live in src/, the bundle-load test (jest.bundle.config.js) in test/bundle/.
const swc = base.transform['^.+\\.(t|j)sx?$'];

module.exports = {
  ...base,
  transform: {
    ...base.transform,
    '^.+\\.mjs$': swc,
  },
  transformIgnorePatterns: [
    nodeModulesToTransform([
      ...grafanaESModules,
      'd3-.*',
      '@react-hookz',
      '@ver0/deep-equal',
      'internmap',
      'delaunator',
      'robust-predicates',
    ]),
  ],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/dist/', '<rootDir>/test/'],
  // A guard against a hung test, not a speed target: the combobox tests take ~1 s each on a quiet
  // 2-core machine and went past jest's default 5 s with every core busy (CI machines often are).
  testTimeout: 60_000,
};
