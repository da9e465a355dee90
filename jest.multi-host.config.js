// The multi-host suite (`npm run test:multi-host`): tests against real servers, PostgreSQL, a
// two-node Temporal cluster behind a load balancer and versitygw, started once for the whole run.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: base.testEnvironment,
  transform: base.transform,
  setupFiles: base.setupFiles,
  roots: ['<rootDir>/test/multi-host'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/multi-host/global-setup.ts',
  globalTeardown: '<rootDir>/test/multi-host/global-teardown.ts',
  // Node kills, fail-over and hundreds of workflows on a shared 2-core machine.
  testTimeout: 300_000,
  // The files share one cluster, and some of them kill its nodes.
  maxWorkers: 1,
};
