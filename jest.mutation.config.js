// The tests the mutation run (`npm run test:mutation`) runs against each mutant: those that run
// jobs through workflows and activities, not the HTTP, CLI or browser edges.
const base = require('./jest.config');

/** A subset for a focused run: MUTATION_TESTS=test/upload/retry.test.ts,test/email/... */
const subset = process.env.MUTATION_TESTS?.split(',').map((file) => `<rootDir>/${file.trim()}`);

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: subset ?? [
    '<rootDir>/test/unit/**/*.test.ts',
    '<rootDir>/test/replay/**/*.test.ts',
    '<rootDir>/test/upload/{success,retry,non-retryable,corrupted-file,non-retryable-policies,webhook-once,notify-email,retrying-state}.test.ts',
    '<rootDir>/test/dead-letters/*.test.ts',
    '<rootDir>/test/email/{transient-smtp-failure,permanent-smtp-failure,smtp-unreachable,send-email-idempotency}.test.ts',
    '<rootDir>/test/monitoring/dead-worker.test.ts',
  ],
};
