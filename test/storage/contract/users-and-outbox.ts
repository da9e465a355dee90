import { randomUUID } from 'node:crypto';
import { SqlOutboxRepository } from '../../../src/outbox/sql-outbox-repository';
import { SqlUserRepository } from '../../../src/users/sql-user-repository';
import { DuplicateUser } from '../../../src/errors';
import { OUTBOX_CLAIM_EXPIRY_MS, type NewOutboxEntry } from '../../../src/outbox/outbox-entry';
import type { StorageHosts } from './hosts';
import { outboxEntry } from './fixtures';

/** Signups and the outbox their jobs are relayed from, with two hosts racing. */
export function describeUserAndOutboxContract(hosts: StorageHosts): void {
  describe('users', () => {
    it('finds a user by id and by e-mail in any letter case, and refuses the address twice', async () => {
      const users = new SqlUserRepository(hosts.a);
      const user = await users.createWithOutbox({ id: randomUUID(), email: 'Ann@Example.com', name: 'Ann' }, [
        outboxEntry(),
      ]);
      expect(await users.findById(user.id)).toEqual(user);
      expect(await users.findByEmail('ann@EXAMPLE.com')).toEqual(user);
      await expect(
        users.createWithOutbox({ id: randomUUID(), email: 'ANN@example.COM', name: 'Other' }, [
          outboxEntry(),
        ]),
      ).rejects.toBeInstanceOf(DuplicateUser);
      // The refused signup's outbox entry went with it.
      expect(await hosts.count('users')).toBe(1);
      expect(await hosts.count('outbox')).toBe(1);
    });

    it('lets exactly one of two hosts register the same address at the same moment', async () => {
      const users = [new SqlUserRepository(hosts.a), new SqlUserRepository(hosts.b)];
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
      expect(await hosts.count('users')).toBe(5);
      expect(await hosts.count('outbox')).toBe(5);
    });
  });

  describe('outbox', () => {
    async function signUpWithEntries(entries: NewOutboxEntry[]): Promise<void> {
      await new SqlUserRepository(hosts.a).createWithOutbox(
        { id: randomUUID(), email: `${randomUUID()}@example.com`, name: 'N' },
        entries,
      );
    }

    it('lists undispatched entries oldest first and drops them once dispatched', async () => {
      const outbox = new SqlOutboxRepository(hosts.a);
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
      const relays = [new SqlOutboxRepository(hosts.a), new SqlOutboxRepository(hosts.b)];
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
}
