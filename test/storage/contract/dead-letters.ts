import type { SqlClient } from '../../../src/db/sql-client';
import { CLAIM_EXPIRY_MS } from '../../../src/dead-letters/dead-letter-store';
import { SqlDeadLetterStore } from '../../../src/dead-letters/sql-dead-letter-store';
import { redactDeadLetter } from '../../../src/dead-letters/redaction';
import type { StorageHosts } from './hosts';
import { deadLetter, HOURS } from './fixtures';

/** Dead letters: recording, listing, redrive claims, redaction and pruning. */
export function describeDeadLetterContract(hosts: StorageHosts): void {
  describe('dead letters', () => {
    const retention = { maxEntries: 100, maxAgeDays: 180 };
    const storeOn = (client: SqlClient, policy = retention) => new SqlDeadLetterStore(client, policy);

    it('keeps one entry per job run, even when two hosts record the same failure at once', async () => {
      const [first, second] = await Promise.all([
        storeOn(hosts.a).record(deadLetter('same-job')),
        storeOn(hosts.b).record(deadLetter('same-job')),
      ]);
      expect(second!.id).toBe(first!.id);
      const third = await storeOn(hosts.a).record(deadLetter('same-job', { runId: 'run-2' }));
      expect(third.id).not.toBe(first!.id);
      expect(await hosts.count('dead_letters')).toBe(2);
      expect(await storeOn(hosts.b).get(first!.id)).toMatchObject({
        jobId: 'same-job',
        runId: 'run-1',
        input: { to: 'x@example.com' },
        attempts: [{ step: 'deliverEmail', attempts: 1 }],
        status: 'pending',
        redrivenJobId: null,
      });
    });

    it('lists newest first, filtered by job type and status, page by page with a cursor', async () => {
      const store = storeOn(hosts.a);
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
        entries.push(await storeOn(hosts.a).record(deadLetter(`claim-${index}`)));
      const now = new Date();
      for (const entry of entries.slice(0, 2)) {
        const wins = await Promise.all([
          storeOn(hosts.a).claimForRedrive(entry.id, now),
          storeOn(hosts.b).claimForRedrive(entry.id, now),
        ]);
        expect(wins.filter(Boolean)).toHaveLength(1);
      }
      const [first, second] = await Promise.all([
        storeOn(hosts.a).claimBatchForRedrive({ limit: 3 }, now),
        storeOn(hosts.b).claimBatchForRedrive({ limit: 3 }, now),
      ]);
      const claimed = [...first!, ...second!].map((entry) => entry.id);
      expect(claimed.sort()).toEqual(
        entries
          .slice(2)
          .map((entry) => entry.id)
          .sort(),
      );
      expect([...first!, ...second!].every((entry) => entry.status === 'redriving')).toBe(true);
      expect(await storeOn(hosts.a).claimBatchForRedrive({ limit: 10 }, now)).toEqual([]);
    });

    it('counts pending entries per job type, leaving out redriven, claimed and discarded ones', async () => {
      const store = storeOn(hosts.a);
      const entries = [];
      for (const [index, jobType] of ['countedA', 'countedA', 'countedA', 'countedA', 'countedB'].entries()) {
        entries.push(await store.record(deadLetter(`counted-${index}`, { jobType })));
      }
      const [redriven, claimed, discarded] = entries;
      expect(await store.claimForRedrive(redriven!.id)).toBe(true);
      await store.completeRedrive(redriven!.id, 'counted-new', { by: 'ops', changes: [] });
      expect(await store.claimForRedrive(claimed!.id)).toBe(true);
      expect(await store.discard(discarded!.id)).toBe(true);
      const pending = await storeOn(hosts.b).countPending();
      expect(pending.countedA).toBe(1);
      expect(pending.countedB).toBe(1);
    });

    it('records who redrove an entry, when, and the corrections, as every host reads them', async () => {
      const store = storeOn(hosts.a);
      const entry = await store.record(deadLetter('audited'));
      expect(await store.get(entry.id)).toMatchObject({ redrivenBy: null, redriveChanges: null });
      const at = new Date('2026-01-02T03:04:05.000Z');
      expect(await store.claimForRedrive(entry.id, at)).toBe(true);
      const changes = [{ field: 'to', before: 'x@example.com', after: 'y@example.com' }];
      await store.completeRedrive(entry.id, 'sendEmail-fixed', { by: 'ops-token', changes }, at);
      expect(await storeOn(hosts.b).get(entry.id)).toMatchObject({
        status: 'redriven',
        redrivenJobId: 'sendEmail-fixed',
        redrivenAt: at.toISOString(),
        redrivenBy: 'ops-token',
        redriveChanges: changes,
      });
    });

    it('takes over a claim whose redrive never finished once it expires, but never a finished one', async () => {
      const store = storeOn(hosts.a);
      const stale = await store.record(deadLetter('stale'));
      const finished = await store.record(deadLetter('finished'));
      const claimedAt = new Date();
      expect(await store.claimForRedrive(stale.id, claimedAt)).toBe(true);
      expect(await store.claimForRedrive(finished.id, claimedAt)).toBe(true);
      await store.completeRedrive(finished.id, 'sendEmail-new', { by: 'ops', changes: [] });
      expect(await store.claimForRedrive(stale.id, new Date(claimedAt.getTime() + 1000))).toBe(false);

      const later = new Date(claimedAt.getTime() + CLAIM_EXPIRY_MS + 1000);
      const takenOver = await storeOn(hosts.b).claimBatchForRedrive({ limit: 10 }, later);
      expect(takenOver.map((entry) => entry.id)).toEqual([stale.id]);
      expect(await store.get(finished.id)).toMatchObject({
        status: 'redriven',
        redrivenJobId: 'sendEmail-new',
        redrivenBy: 'ops',
        redriveChanges: [],
      });

      await store.releaseRedrive(stale.id);
      expect(await store.get(stale.id)).toMatchObject({
        status: 'pending',
        failedRedrives: 0,
        lastRedriveFailure: null,
      });
      expect(await store.discard(stale.id)).toBe(true);
      expect(await store.discard(stale.id)).toBe(false);
    });

    it('counts failed redrives and keeps the last one: who tried, when and why, as every host reads it', async () => {
      const store = storeOn(hosts.a);
      const entry = await store.record(deadLetter('unlucky'));
      const first = new Date('2026-01-02T03:04:05.000Z');
      expect(await store.claimForRedrive(entry.id, first)).toBe(true);
      await store.releaseRedrive(entry.id, { by: 'ops', error: 'Temporal is unavailable' }, first);
      const second = new Date('2026-01-02T04:00:00.000Z');
      expect(await storeOn(hosts.b).claimForRedrive(entry.id, second)).toBe(true);
      await storeOn(hosts.b).releaseRedrive(entry.id, { by: 'oncall', error: "'to' is invalid" }, second);
      // Releasing an entry nobody holds records nothing.
      await store.releaseRedrive(entry.id, { by: 'late', error: 'too late' }, second);
      expect(await storeOn(hosts.b).get(entry.id)).toMatchObject({
        status: 'pending',
        failedRedrives: 2,
        lastRedriveFailure: { by: 'oncall', at: second.toISOString(), error: "'to' is invalid" },
        redrivenBy: null,
      });
    });

    it('redacts entries older than the cutoff once, keeps them, and leaves them out of bulk redrives', async () => {
      const start = Date.parse('2030-01-01T00:00:00Z');
      const store = storeOn(hosts.a);
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
        storeOn(hosts.b).saveRedacted(old.id, parts, cutoff),
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
      const byCount = storeOn(hosts.a, { maxEntries: 3, maxAgeDays: 180 });
      const first = await byCount.record(deadLetter('job-0'), new Date(start));
      expect(await byCount.claimForRedrive(first.id, new Date(start))).toBe(true);
      for (let index = 1; index < 6; index += 1) {
        await byCount.record(deadLetter(`job-${index}`), new Date(start + index * HOURS));
      }
      const left = (await byCount.list({ limit: 10 })).items.map((entry) => entry.jobId);
      expect(left).toEqual(['job-5', 'job-4', 'job-3', 'job-0']);

      const byAge = storeOn(hosts.b, { maxEntries: 100, maxAgeDays: 30 });
      const now = start + 365 * 24 * HOURS;
      await byAge.record(deadLetter('recent'), new Date(now - 29 * 24 * HOURS));
      await byAge.record(deadLetter('today'), new Date(now));
      const kept = (await byAge.list({ limit: 10 })).items.map((entry) => entry.jobId);
      expect(kept).toEqual(['today', 'recent', 'job-0']);
    });
  });
}
