import { randomUUID } from 'node:crypto';
import type { NewDeadLetter } from '../../../src/dead-letters/dead-letter-store';
import type { NewOutboxEntry } from '../../../src/outbox/outbox-entry';

/** Every table the migrations create: emptied before each test. */
export const TABLES = [
  'dead_letters',
  'file_analyses',
  'idempotency_keys',
  'file_jobs',
  'paused_job_types',
  'outbox',
  'side_effects',
  'stored_files',
  'users',
];
export const HOURS = 60 * 60 * 1000;

export function outboxEntry(): NewOutboxEntry {
  const id = randomUUID();
  return { id, jobType: 'sendEmail', jobId: `sendEmail-${id}`, input: { to: 'a@example.com', n: 1 } };
}

export function deadLetter(jobId: string, overrides: Partial<NewDeadLetter> = {}): NewDeadLetter {
  return {
    jobId,
    runId: 'run-1',
    jobType: 'sendEmail',
    input: { to: 'x@example.com' },
    errorType: 'SmtpPermanentFailure',
    errorMessage: '550',
    failedStep: 'deliverEmail',
    attempts: [
      {
        step: 'deliverEmail',
        attempts: 1,
        errorType: 'SmtpPermanentFailure',
        message: '550',
        failedAt: null,
      },
    ],
    jobStartedAt: null,
    ...overrides,
  };
}
