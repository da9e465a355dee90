import path from 'node:path';
import { openDatabase, type Database } from '../../src/db/database';
import { DeadLetterStore, type NewDeadLetter } from '../../src/dead-letters/dead-letter-store';
import { testConfig } from '../helpers/config';

const DAY_MS = 24 * 60 * 60 * 1000;

function failure(jobId: string): NewDeadLetter {
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
  };
}

describe('dead-letter retention', () => {
  let db: Database;

  beforeEach(() => {
    db = openDatabase(path.join(testConfig().dataDir, 'retention.sqlite'));
  });

  afterEach(() => db.close());

  const jobIds = (store: DeadLetterStore) => store.list({ limit: 100 }).items.map((entry) => entry.jobId);

  it('keeps at most maxEntries, dropping the oldest', () => {
    const store = new DeadLetterStore(db, { maxEntries: 3, maxAgeDays: 180 });
    const start = Date.parse('2030-01-01T00:00:00Z');
    for (let index = 0; index < 5; index += 1)
      store.record(failure(`job-${index}`), new Date(start + index * 1000));

    expect(jobIds(store)).toEqual(['job-4', 'job-3', 'job-2']);
  });

  it('drops entries older than maxAgeDays', () => {
    const store = new DeadLetterStore(db, { maxEntries: 100, maxAgeDays: 30 });
    const now = Date.parse('2030-06-01T00:00:00Z');
    store.record(failure('ancient'), new Date(now - 31 * DAY_MS));
    store.record(failure('recent'), new Date(now - 29 * DAY_MS));
    store.record(failure('today'), new Date(now));

    expect(jobIds(store)).toEqual(['today', 'recent']);
  });

  it('keeps one entry per job run however often the same failure is recorded', () => {
    const store = new DeadLetterStore(db, { maxEntries: 100, maxAgeDays: 180 });
    const first = store.record(failure('same-job'));
    const second = store.record(failure('same-job'));

    expect(second.id).toBe(first.id);
    expect(jobIds(store)).toEqual(['same-job']);
  });

  it('never prunes an entry while it is being redriven', () => {
    const store = new DeadLetterStore(db, { maxEntries: 1, maxAgeDays: 180 });
    const claimed = store.record(failure('in-flight'), new Date('2030-01-01T00:00:00Z'));
    expect(store.claimForRedrive(claimed.id)).toBe(true);
    store.record(failure('newer'), new Date('2030-01-02T00:00:00Z'));

    expect(store.get(claimed.id)?.status).toBe('redriving');
  });
});
