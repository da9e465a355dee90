import path from 'node:path';
import { openDatabase, type Database } from '../../src/db/database';
import { CLAIM_EXPIRY_MS, DeadLetterStore } from '../../src/dead-letters/dead-letter-store';
import { testConfig } from '../helpers/config';

describe('redrive claims', () => {
  let db: Database;
  let store: DeadLetterStore;

  beforeEach(() => {
    db = openDatabase(path.join(testConfig().dataDir, 'claims.sqlite'));
    store = new DeadLetterStore(db, { maxEntries: 100, maxAgeDays: 180 });
  });

  afterEach(() => db.close());

  const entry = (jobId: string) =>
    store.record({
      jobId,
      runId: 'run',
      jobType: 'processUpload',
      input: { fileId: 'x' },
      errorType: 'WebhookRejected',
      errorMessage: '410',
      failedStep: 'notifyWebhook',
      attempts: [],
      jobStartedAt: null,
    });

  it('lets one caller hold an entry until its redrive finishes', () => {
    const { id } = entry('job-a');
    const now = new Date();
    expect(store.claimForRedrive(id, now)).toBe(true);
    expect(store.claimForRedrive(id, new Date(now.getTime() + 1000))).toBe(false);
    expect(store.claimBatchForRedrive({ limit: 10 }, new Date(now.getTime() + 1000))).toEqual([]);
  });

  it('takes over a claim whose redrive never finished (its process died) once it expires', () => {
    const { id } = entry('job-b');
    const claimedAt = new Date();
    expect(store.claimForRedrive(id, claimedAt)).toBe(true);

    const later = new Date(claimedAt.getTime() + CLAIM_EXPIRY_MS + 1000);
    expect(store.claimBatchForRedrive({ limit: 10 }, later).map((claimed) => claimed.id)).toEqual([id]);
    expect(store.claimForRedrive(id, new Date(later.getTime() + 1000))).toBe(false);
  });

  it('never takes over a finished redrive', () => {
    const { id } = entry('job-c');
    const claimedAt = new Date();
    store.claimForRedrive(id, claimedAt);
    store.completeRedrive(id, 'upload-new-job');

    expect(store.claimForRedrive(id, new Date(claimedAt.getTime() + 2 * CLAIM_EXPIRY_MS))).toBe(false);
    expect(store.get(id)).toMatchObject({ status: 'redriven', redrivenJobId: 'upload-new-job' });
  });
});
