/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/multi-host'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  testTimeout: 120_000,
  // These tests share servers that run outside jest: one file at a time.
  maxWorkers: 1,
  setupFiles: ['<rootDir>/test/helpers/jest-setup.ts'],
};
