import { randomUUID } from 'node:crypto';
import type { SqlClient } from '../../src/db/sql-client';
import { CLAIM_EXPIRY_MS, type NewDeadLetter } from '../../src/dead-letters/dead-letter-store';
import { SqlDeadLetterStore } from '../../src/dead-letters/sql-dead-letter-store';
import type { ContentAnalysis } from '../../src/files/content-analysis';
import { SqlFileAnalysisRepository } from '../../src/files/file-analysis-repository';
import {
  DELETION_CLAIM_EXPIRY_MS,
  SqlStoredFileRepository,
  type ExpiryCutoffs,
} from '../../src/files/stored-file-repository';
import { redactDeadLetter } from '../../src/dead-letters/redaction';
import { SqlIdempotencyKeyStore } from '../../src/jobs/idempotency-keys';
import { SqlSideEffectLedger } from '../../src/jobs/side-effects';
import { OUTBOX_CLAIM_EXPIRY_MS, type NewOutboxEntry } from '../../src/outbox/outbox-entry';
import { SqlOutboxRepository } from '../../src/outbox/sql-outbox-repository';
import { SqlUserRepository } from '../../src/users/sql-user-repository';
import { DuplicateUser } from '../../src/errors';

/** One database, seen by as many hosts (independent connections) as a test opens. */
export interface StorageBackend {
  /** A new, independently connected client on this backend's database, migrated. */
  connect(): Promise<SqlClient>;
  /** A database with no tables yet, and a way to connect (and migrate) to it. */
  emptyDatabase(): Promise<{ connect(): Promise<SqlClient> }>;
  /** Tables and applied migration versions as the database records them. */
  schemaOf(client: SqlClient): Promise<{ tables: string[]; versions: number[] }>;
  destroy(): Promise<void>;
}

const TABLES = [
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
const HOURS = 60 * 60 * 1000;

function outboxEntry(): NewOutboxEntry {
  const id = randomUUID();
  return { id, jobType: 'sendEmail', jobId: `sendEmail-${id}`, input: { to: 'a@example.com', n: 1 } };
}

function deadLetter(jobId: string, overrides: Partial<NewDeadLetter> = {}): NewDeadLetter {
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

/** The data-layer contract every backend must meet, written once and run against each. */
export function describeRepositories(name: string, openBackend: () => Promise<StorageBackend>): void {
  describe(`${name} storage`, () => {
    let backend: StorageBackend;
    let hostA: SqlClient;
    let hostB: SqlClient;

    beforeAll(async () => {
      backend = await openBackend();
      hostA = await backend.connect();
      hostB = await backend.connect();
    });

    afterAll(async () => {
      await hostA?.close();
      await hostB?.close();
      await backend?.destroy();
    });

    beforeEach(async () => {
      for (const table of TABLES) await hostA.execute(`DELETE FROM ${table}`);
    });

    const count = async (table: string) =>
      Number((await hostA.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n);

    describe('migrations', () => {
      it('gives one set of tables and each version once when several hosts migrate an empty database together', async () => {
        const database = await backend.emptyDatabase();
        const clients = await Promise.all(Array.from({ length: 4 }, () => database.connect()));
        try {
          const schemas = await Promise.all(clients.map((client) => backend.schemaOf(client)));
          for (const schema of schemas) {
            expect(schema.tables).toEqual(expect.arrayContaining(TABLES));
            expect(schema.versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
          }
          const again = await database.connect();
          expect(await backend.schemaOf(again)).toEqual(schemas[0]);
          await again.close();
        } finally {
          await Promise.all(clients.map((client) => client.close()));
        }
      });
    });

    describe('users', () => {
      it('finds a user by id and by e-mail in any letter case, and refuses the address twice', async () => {
        const users = new SqlUserRepository(hostA);
        const user = await users.createWithOutbox(
          { id: randomUUID(), email: 'Ann@Example.com', name: 'Ann' },
          [outboxEntry()],
        );
        expect(await users.findById(user.id)).toEqual(user);
        expect(await users.findByEmail('ann@EXAMPLE.com')).toEqual(user);
        await expect(
          users.createWithOutbox({ id: randomUUID(), email: 'ANN@example.COM', name: 'Other' }, [
            outboxEntry(),
          ]),
        ).rejects.toBeInstanceOf(DuplicateUser);
        // The refused signup's outbox entry went with it.
        expect(await count('users')).toBe(1);
        expect(await count('outbox')).toBe(1);
      });

      it('lets exactly one of two hosts register the same address at the same moment', async () => {
        const users = [new SqlUserRepository(hostA), new SqlUserRepository(hostB)];
        for (let round = 0; round < 5; round += 1) {
          const email = `race-${round}@example.com`;
          const results = await Promise.allSettled(
            users.map((repository, index) =>
              repository.createWithOutbox(
                { id: randomUUID(), email: index === 0 ? email : email.toUpperCase(), name: `host ${index}` },
                [outboxEntry()],
              ),
            ),
          );
          expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
          const [refused] = results.filter((result) => result.status === 'rejected');
          expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateUser);
        }
        expect(await count('users')).toBe(5);
        expect(await count('outbox')).toBe(5);
      });
    });

    describe('outbox', () => {
      async function signUpWithEntries(entries: NewOutboxEntry[]): Promise<void> {
        await new SqlUserRepository(hostA).createWithOutbox(
          { id: randomUUID(), email: `${randomUUID()}@example.com`, name: 'N' },
          entries,
        );
      }

      it('lists undispatched entries oldest first and drops them once dispatched', async () => {
        const outbox = new SqlOutboxRepository(hostA);
        const entries = [outboxEntry(), outboxEntry(), outboxEntry()];
        for (const entry of entries) await signUpWithEntries([entry]);

        expect((await outbox.pending(10)).map((entry) => entry.id)).toEqual(entries.map((entry) => entry.id));
        expect(await outbox.findById(entries[0]!.id)).toMatchObject({
          jobType: 'sendEmail',
          jobId: entries[0]!.jobId,
          input: entries[0]!.input,
          dispatchedAt: null,
          dispatchAttempts: 0,
        });

        await outbox.recordDispatchFailure(entries[0]!.id, 'Temporal is unavailable');
        await outbox.markDispatched(entries[1]!.id);
        const pending = await outbox.pending(10);
        expect(pending.map((entry) => entry.id)).toEqual([entries[0]!.id, entries[2]!.id]);
        expect(pending[0]).toMatchObject({ dispatchAttempts: 1, lastError: 'Temporal is unavailable' });
        expect(await outbox.findById(entries[1]!.id)).toMatchObject({ dispatchAttempts: 1, lastError: null });
        expect((await outbox.findById(entries[1]!.id))?.dispatchedAt).toEqual(expect.any(String));
      });

      it('hands each pending entry to one relay when two hosts claim at once, and again once released or expired', async () => {
        const entries = Array.from({ length: 6 }, () => outboxEntry());
        await signUpWithEntries(entries);
        const relays = [new SqlOutboxRepository(hostA), new SqlOutboxRepository(hostB)];
        const now = new Date();

        const [first, second] = await Promise.all(relays.map((outbox) => outbox.claimPending(4, now)));
        const claimed = [...first!, ...second!].map((entry) => entry.id);
        expect(new Set(claimed).size).toBe(claimed.length);
        expect(claimed.sort()).toEqual(entries.map((entry) => entry.id).sort());
        // Each relay's share comes oldest first.
        const order = entries.map((entry) => entry.id);
        for (const share of [first!, second!]) {
          const positions = share.map((entry) => order.indexOf(entry.id));
          expect(positions).toEqual([...positions].sort((a, b) => a - b));
        }

        const soon = new Date(now.getTime() + 1000);
        expect(await relays[0]!.claimPending(10, soon)).toEqual([]);
        await relays[0]!.releaseClaims([entries[0]!.id]);
        await relays[0]!.recordDispatchFailure(entries[1]!.id, 'down');
        await relays[0]!.markDispatched(entries[2]!.id);
        expect((await relays[1]!.claimPending(10, soon)).map((entry) => entry.id)).toEqual([
          entries[0]!.id,
          entries[1]!.id,
        ]);

        const expired = new Date(now.getTime() + OUTBOX_CLAIM_EXPIRY_MS + 2000);
        expect((await relays[0]!.claimPending(10, expired)).map((entry) => entry.id)).toEqual(
          [entries[0], entries[1], entries[3], entries[4], entries[5]].map((entry) => entry!.id),
        );
      });
    });

    describe('side-effect ledger', () => {
      it('records a key once however many hosts mark it at the same moment', async () => {
        const ledgers = [new SqlSideEffectLedger(hostA), new SqlSideEffectLedger(hostB)];
        const key = `webhook:${randomUUID()}`;
        expect(await ledgers[1]!.isDone(key)).toBe(false);
        const outcomes = await Promise.all(
          Array.from({ length: 10 }, (_, index) =>
            ledgers[index % 2]!.markDone(key, 'job-1', 'webhook', '200'),
          ),
        );
        expect(outcomes.filter(Boolean)).toHaveLength(1);
        expect(await ledgers[0]!.isDone(key)).toBe(true);
        expect(await ledgers[1]!.isDone(key)).toBe(true);
        expect(await count('side_effects')).toBe(1);
      });
    });

    describe('stored files and analyses', () => {
      it('round-trips file metadata, sizes beyond 32 bits included', async () => {
        const files = new SqlStoredFileRepository(hostA);
        const stored = {
          fileId: randomUUID(),
          size: 5 * 1024 ** 3,
          sha256: 'ab'.repeat(32),
          contentType: 'text/plain',
          originalName: 'notes.txt',
          createdAt: new Date().toISOString(),
        };
        await files.insert(stored);
        await files.insert({ ...stored, fileId: randomUUID(), originalName: null });
        expect(await new SqlStoredFileRepository(hostB).get(stored.fileId)).toEqual(stored);
        await files.delete(stored.fileId);
        expect(await files.get(stored.fileId)).toBeUndefined();
        expect(await count('stored_files')).toBe(1);
      });

      it('keeps one analysis per file and job, marked incomplete by compensation without losing it', async () => {
        const analyses = new SqlFileAnalysisRepository(hostA);
        const fileId = randomUUID();
        const analysis = {
          size: 3,
          sha256: 'cd'.repeat(32),
          mimeType: 'text/plain',
        } as unknown as ContentAnalysis;
        await analyses.saveComplete(fileId, 'job-1', analysis);
        await analyses.saveComplete(fileId, 'job-1', analysis);
        await analyses.markIncomplete(fileId, 'job-2');
        expect(await analyses.get(fileId, 'job-1')).toMatchObject({ status: 'complete', analysis });

        await analyses.markIncomplete(fileId, 'job-1');
        expect(await new SqlFileAnalysisRepository(hostB).get(fileId, 'job-1')).toMatchObject({
          status: 'incomplete',
          analysis,
        });
        expect(
          (await analyses.listForFile(fileId)).map(({ jobId, status }) => [jobId, status]).sort(),
        ).toEqual([
          ['job-1', 'incomplete'],
          ['job-2', 'incomplete'],
        ]);
      });
    });

    describe('idempotency keys', () => {
      const use = (scope: string, key: string, requestHash: string, operation = 'POST /emails') => ({
        scope,
        operation,
        key,
        requestHash,
      });

      it('tells first use, a repeat with the same request and reuse with another, on any host', async () => {
        const a = new SqlIdempotencyKeyStore(hostA);
        const b = new SqlIdempotencyKeyStore(hostB);
        expect(await a.use(use('alice', 'k1', 'hash-1'))).toBe('first');
        expect(await b.use(use('alice', 'k1', 'hash-1'))).toBe('repeated');
        expect(await b.use(use('alice', 'k1', 'hash-2'))).toBe('reused');
        expect(await a.use(use('alice', 'k1', 'hash-1'))).toBe('repeated');
        expect(await count('idempotency_keys')).toBe(1);
      });

      it('keeps keys apart per caller and per operation', async () => {
        const store = new SqlIdempotencyKeyStore(hostA);
        expect(await store.use(use('alice', 'shared', 'hash-a'))).toBe('first');
        expect(await store.use(use('bob', 'shared', 'hash-b'))).toBe('first');
        expect(await store.use(use('alice', 'shared', 'hash-c', 'POST /upload'))).toBe('first');
        expect(await store.use(use('bob', 'shared', 'hash-b'))).toBe('repeated');
      });

      it('lets exactly one of several hosts racing on a new key be first', async () => {
        const stores = [hostA, hostB, hostA, hostB].map((client) => new SqlIdempotencyKeyStore(client));
        const outcomes = await Promise.all(
          stores.map((store, index) => store.use(use('alice', 'race', `hash-${index % 2}`))),
        );
        expect(outcomes.filter((outcome) => outcome === 'first')).toHaveLength(1);
        const winner = outcomes.indexOf('first') % 2;
        outcomes.forEach((outcome, index) => {
          if (outcome !== 'first') expect(outcome).toBe(index % 2 === winner ? 'repeated' : 'reused');
        });
      });
    });

    describe('file retention', () => {
      const DAYS = 24 * HOURS;
      const start = Date.parse('2030-01-01T00:00:00Z');
      const at = (hours: number) => new Date(start + hours * HOURS);
      // As the sweep computes them at `now`: jobs finished 7 days ago, orphans uploaded 1 day ago.
      const cutoffsAt = (now: Date): ExpiryCutoffs => ({
        jobsFinishedBefore: new Date(now.getTime() - 7 * DAYS),
        orphansCreatedBefore: new Date(now.getTime() - DAYS),
      });
      const upload = async (files: SqlStoredFileRepository, createdAt: Date) => {
        const fileId = randomUUID();
        await files.insert({
          fileId,
          size: 1,
          sha256: 'ef'.repeat(32),
          contentType: 'text/plain',
          originalName: null,
          createdAt: createdAt.toISOString(),
        });
        return fileId;
      };

      it('deletes a used file only once every job using it finished longer ago than the retention', async () => {
        const files = new SqlStoredFileRepository(hostA);
        const fileId = await upload(files, at(0));
        await files.linkJob(fileId, 'upload-1', at(1));
        await files.linkJob(fileId, 'upload-1', at(2));
        await files.linkJob(fileId, 'upload-2', at(3));
        expect(await files.unsettledJobs(10, at(4))).toEqual(['upload-1', 'upload-2']);

        await files.settleJob('upload-1', at(5), at(6));
        await files.settleJob('upload-2', undefined, at(6));
        expect(await files.unsettledJobs(10, at(6))).toEqual([]);
        const later = at(10 * 24);
        expect(await files.claimExpired('used', cutoffsAt(later), 10, later)).toEqual([]);

        expect(await files.unsettledJobs(10, later)).toEqual(['upload-2']);
        await files.settleJob('upload-2', at(8 * 24), later);
        expect(await files.claimExpired('used', cutoffsAt(later), 10, later)).toEqual([]);
        const afterRetention = at(15 * 24 + 1);
        expect(await files.claimExpired('used', cutoffsAt(afterRetention), 10, afterRetention)).toEqual([
          fileId,
        ]);
        expect(await files.get(fileId)).toBeUndefined();
        expect(await files.claimExpired('orphans', cutoffsAt(afterRetention), 10, afterRetention)).toEqual(
          [],
        );
        expect(await files.purge(fileId)).toBe(true);
        expect(await files.purge(fileId)).toBe(false);
        expect(await count('stored_files')).toBe(0);
        expect(await count('file_jobs')).toBe(0);
      });

      it('deletes an orphan a day after upload, never a file a job uses', async () => {
        const files = new SqlStoredFileRepository(hostA);
        const orphan = await upload(files, at(0));
        const fresh = await upload(files, at(20));
        const used = await upload(files, at(0));
        await files.linkJob(used, 'upload-running', at(1));
        const now = at(25);
        expect(await files.claimExpired('orphans', cutoffsAt(now), 10, now)).toEqual([orphan]);
        expect(await files.get(fresh)).toBeDefined();
        expect(await files.get(used)).toBeDefined();
      });

      it('keeps a file while a dead letter of its job waits for a redrive, and briefly after a redrive', async () => {
        const files = new SqlStoredFileRepository(hostA);
        const deadLetters = new SqlDeadLetterStore(hostA, { maxEntries: 100, maxAgeDays: 180 });
        const fileId = await upload(files, at(0));
        await files.linkJob(fileId, 'upload-dead', at(1));
        await files.settleJob('upload-dead', at(2), at(3));
        const entry = await deadLetters.record(
          deadLetter('upload-dead', { jobType: 'processUpload', input: { fileId } }),
          at(2),
        );
        const now = at(30 * 24);
        expect(await files.claimExpired('used', cutoffsAt(now), 10, now)).toEqual([]);

        expect(await deadLetters.claimForRedrive(entry.id, now)).toBe(true);
        expect(await files.claimExpired('used', cutoffsAt(now), 10, now)).toEqual([]);
        await deadLetters.completeRedrive(entry.id, 'upload-new', { by: 'ops', changes: [] }, now);
        expect(await files.claimExpired('used', cutoffsAt(now), 10, now)).toEqual([]);
        const weekAfterRedrive = new Date(now.getTime() + 7 * DAYS + HOURS);
        expect(await files.claimExpired('used', cutoffsAt(weekAfterRedrive), 10, weekAfterRedrive)).toEqual([
          fileId,
        ]);
      });

      it('never lets two hosts claim the same file, and takes over a claim a crashed sweep abandoned', async () => {
        const onA = new SqlStoredFileRepository(hostA);
        const onB = new SqlStoredFileRepository(hostB);
        const orphans = [];
        for (let index = 0; index < 6; index += 1) orphans.push(await upload(onA, at(0)));
        const now = at(48);
        const [claimedByA, claimedByB] = await Promise.all([
          onA.claimExpired('orphans', cutoffsAt(now), 4, now),
          onB.claimExpired('orphans', cutoffsAt(now), 4, now),
        ]);
        expect([...claimedByA!, ...claimedByB!].sort()).toEqual([...orphans].sort());
        expect(await onA.claimExpired('orphans', cutoffsAt(now), 10, now)).toEqual([]);
        const abandoned = new Date(now.getTime() + DELETION_CLAIM_EXPIRY_MS + 1);
        expect(await onB.claimExpired('orphans', cutoffsAt(abandoned), 10, abandoned)).toEqual(
          [...orphans].sort(),
        );
      });
    });

    describe('dead letters', () => {
      const retention = { maxEntries: 100, maxAgeDays: 180 };
      const storeOn = (client: SqlClient, policy = retention) => new SqlDeadLetterStore(client, policy);

      it('keeps one entry per job run, even when two hosts record the same failure at once', async () => {
        const [first, second] = await Promise.all([
          storeOn(hostA).record(deadLetter('same-job')),
          storeOn(hostB).record(deadLetter('same-job')),
        ]);
        expect(second!.id).toBe(first!.id);
        const third = await storeOn(hostA).record(deadLetter('same-job', { runId: 'run-2' }));
        expect(third.id).not.toBe(first!.id);
        expect(await count('dead_letters')).toBe(2);
        expect(await storeOn(hostB).get(first!.id)).toMatchObject({
          jobId: 'same-job',
          runId: 'run-1',
          input: { to: 'x@example.com' },
          attempts: [{ step: 'deliverEmail', attempts: 1 }],
          status: 'pending',
          redrivenJobId: null,
        });
      });

      it('lists newest first, filtered by job type and status, page by page with a cursor', async () => {
        const store = storeOn(hostA);
        const start = Date.parse('2030-01-01T00:00:00Z');
        const recorded = [];
        for (let index = 0; index < 7; index += 1) {
          const jobType = index % 2 === 0 ? 'sendEmail' : 'processUpload';
          // Two entries share a timestamp, so the cursor must also order by id.
          const at = new Date(start + Math.min(index, 5) * 1000);
          recorded.push(await store.record(deadLetter(`job-${index}`, { jobType }), at));
        }
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.list({ jobType: 'sendEmail', limit: 2, cursor });
          seen.push(...page.items.map((item) => item.jobId));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        const sendEmail = recorded.filter((entry) => entry.jobType === 'sendEmail');
        const newestFirst = [...sendEmail].sort((a, b) =>
          a.failedAt === b.failedAt ? b.id.localeCompare(a.id) : b.failedAt.localeCompare(a.failedAt),
        );
        expect(seen).toEqual(newestFirst.map((entry) => entry.jobId));

        expect(await store.claimForRedrive(recorded[1]!.id)).toBe(true);
        const redriving = await store.list({ status: 'redriving', limit: 10 });
        expect(redriving).toEqual({ items: [expect.objectContaining({ jobId: 'job-1' })], nextCursor: null });
        await expect(store.list({ limit: 10, cursor: 'not-a-cursor' })).rejects.toThrow('cursor');
      });

      it('lets one of two hosts claim an entry for redrive at once, and bulk claims never overlap', async () => {
        const entries = [];
        for (let index = 0; index < 6; index += 1)
          entries.push(await storeOn(hostA).record(deadLetter(`claim-${index}`)));
        const now = new Date();
        for (const entry of entries.slice(0, 2)) {
          const wins = await Promise.all([
            storeOn(hostA).claimForRedrive(entry.id, now),
            storeOn(hostB).claimForRedrive(entry.id, now),
          ]);
          expect(wins.filter(Boolean)).toHaveLength(1);
        }
        const [first, second] = await Promise.all([
          storeOn(hostA).claimBatchForRedrive({ limit: 3 }, now),
          storeOn(hostB).claimBatchForRedrive({ limit: 3 }, now),
        ]);
        const claimed = [...first!, ...second!].map((entry) => entry.id);
        expect(claimed.sort()).toEqual(
          entries
            .slice(2)
            .map((entry) => entry.id)
            .sort(),
        );
        expect([...first!, ...second!].every((entry) => entry.status === 'redriving')).toBe(true);
        expect(await storeOn(hostA).claimBatchForRedrive({ limit: 10 }, now)).toEqual([]);
      });

      it('counts pending entries per job type, leaving out redriven, claimed and discarded ones', async () => {
        const store = storeOn(hostA);
        const entries = [];
        for (const [index, jobType] of [
          'countedA',
          'countedA',
          'countedA',
          'countedA',
          'countedB',
        ].entries()) {
          entries.push(await store.record(deadLetter(`counted-${index}`, { jobType })));
        }
        const [redriven, claimed, discarded] = entries;
        expect(await store.claimForRedrive(redriven!.id)).toBe(true);
        await store.completeRedrive(redriven!.id, 'counted-new', { by: 'ops', changes: [] });
        expect(await store.claimForRedrive(claimed!.id)).toBe(true);
        expect(await store.discard(discarded!.id)).toBe(true);
        const pending = await storeOn(hostB).countPending();
        expect(pending.countedA).toBe(1);
        expect(pending.countedB).toBe(1);
      });

      it('records who redrove an entry, when, and the corrections, as every host reads them', async () => {
        const store = storeOn(hostA);
        const entry = await store.record(deadLetter('audited'));
        expect(await store.get(entry.id)).toMatchObject({ redrivenBy: null, redriveChanges: null });
        const at = new Date('2026-01-02T03:04:05.000Z');
        expect(await store.claimForRedrive(entry.id, at)).toBe(true);
        const changes = [{ field: 'to', before: 'x@example.com', after: 'y@example.com' }];
        await store.completeRedrive(entry.id, 'sendEmail-fixed', { by: 'ops-token', changes }, at);
        expect(await storeOn(hostB).get(entry.id)).toMatchObject({
          status: 'redriven',
          redrivenJobId: 'sendEmail-fixed',
          redrivenAt: at.toISOString(),
          redrivenBy: 'ops-token',
          redriveChanges: changes,
        });
      });

      it('takes over a claim whose redrive never finished once it expires, but never a finished one', async () => {
        const store = storeOn(hostA);
        const stale = await store.record(deadLetter('stale'));
        const finished = await store.record(deadLetter('finished'));
        const claimedAt = new Date();
        expect(await store.claimForRedrive(stale.id, claimedAt)).toBe(true);
        expect(await store.claimForRedrive(finished.id, claimedAt)).toBe(true);
        await store.completeRedrive(finished.id, 'sendEmail-new', { by: 'ops', changes: [] });
        expect(await store.claimForRedrive(stale.id, new Date(claimedAt.getTime() + 1000))).toBe(false);

        const later = new Date(claimedAt.getTime() + CLAIM_EXPIRY_MS + 1000);
        const takenOver = await storeOn(hostB).claimBatchForRedrive({ limit: 10 }, later);
        expect(takenOver.map((entry) => entry.id)).toEqual([stale.id]);
        expect(await store.get(finished.id)).toMatchObject({
          status: 'redriven',
          redrivenJobId: 'sendEmail-new',
          redrivenBy: 'ops',
          redriveChanges: [],
        });

        await store.releaseRedrive(stale.id);
        expect((await store.get(stale.id))?.status).toBe('pending');
        expect(await store.discard(stale.id)).toBe(true);
        expect(await store.discard(stale.id)).toBe(false);
      });

      it('redacts entries older than the cutoff once, keeps them, and leaves them out of bulk redrives', async () => {
        const start = Date.parse('2030-01-01T00:00:00Z');
        const store = storeOn(hostA);
        const old = await store.record(
          deadLetter('old', {
            input: { to: 'ann@example.com', template: 'welcome', params: { name: 'Ann' } },
            errorMessage: 'Mailbox ann@example.com unavailable',
          }),
          new Date(start),
        );
        await store.record(deadLetter('recent'), new Date(start + 40 * 24 * HOURS));
        const cutoff = new Date(start + 30 * 24 * HOURS);
        const due = await store.listUnredacted(cutoff, 10);
        expect(due.map((entry) => entry.jobId)).toEqual(['old']);

        const parts = redactDeadLetter(due[0]!);
        const [first, second] = await Promise.all([
          store.saveRedacted(old.id, parts, cutoff),
          storeOn(hostB).saveRedacted(old.id, parts, cutoff),
        ]);
        expect([first, second].filter(Boolean)).toHaveLength(1);
        expect(await store.listUnredacted(cutoff, 10)).toEqual([]);
        const redacted = await store.get(old.id);
        expect(redacted).toMatchObject({
          input: { to: '[redacted]', template: 'welcome', params: '[redacted]' },
          errorMessage: 'Mailbox [redacted] unavailable',
          redactedAt: cutoff.toISOString(),
          status: 'pending',
        });
        expect(JSON.stringify(redacted)).not.toContain('ann@example.com');
        expect(JSON.stringify(redacted)).not.toContain('Ann');
        const claimed = await store.claimBatchForRedrive({ limit: 10 }, cutoff);
        expect(claimed.map((entry) => entry.jobId)).toEqual(['recent']);
      });

      it('prunes beyond the count and age limits but never an entry being redriven', async () => {
        const start = Date.parse('2030-01-01T00:00:00Z');
        const byCount = storeOn(hostA, { maxEntries: 3, maxAgeDays: 180 });
        const first = await byCount.record(deadLetter('job-0'), new Date(start));
        expect(await byCount.claimForRedrive(first.id, new Date(start))).toBe(true);
        for (let index = 1; index < 6; index += 1) {
          await byCount.record(deadLetter(`job-${index}`), new Date(start + index * HOURS));
        }
        const left = (await byCount.list({ limit: 10 })).items.map((entry) => entry.jobId);
        expect(left).toEqual(['job-5', 'job-4', 'job-3', 'job-0']);

        const byAge = storeOn(hostB, { maxEntries: 100, maxAgeDays: 30 });
        const now = start + 365 * 24 * HOURS;
        await byAge.record(deadLetter('recent'), new Date(now - 29 * 24 * HOURS));
        await byAge.record(deadLetter('today'), new Date(now));
        const kept = (await byAge.list({ limit: 10 })).items.map((entry) => entry.jobId);
        expect(kept).toEqual(['today', 'recent', 'job-0']);
      });
    });
  });
}
