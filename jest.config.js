/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Needs servers of its own: `npm run test:multi-host` (jest.multi-host.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/multi-host/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  // Starting Temporal servers and bundling workflows takes seconds on a 2-core machine.
  testTimeout: 60_000,
  // Each test file owns its Temporal environment; two at once is what 2 cores carry.
  maxWorkers: 2,
  setupFiles: ['<rootDir>/test/helpers/jest-setup.ts'],
};
