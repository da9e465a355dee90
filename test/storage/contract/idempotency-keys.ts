import { SqlIdempotencyKeyStore } from '../../../src/jobs/idempotency-keys';
import { HOURS } from './fixtures';
import type { StorageHosts } from './hosts';

/** Idempotency keys, kept per caller and operation, on any host, until they expire. */
export function describeIdempotencyKeyContract(hosts: StorageHosts): void {
  describe('idempotency keys', () => {
    const use = (scope: string, key: string, requestHash: string, operation = 'POST /emails') => ({
      scope,
      operation,
      key,
      requestHash,
    });
    const outcomeOf = async (used: Promise<{ outcome: string }>) => (await used).outcome;

    it('tells first use, a repeat with the same request and reuse with another, on any host', async () => {
      const a = new SqlIdempotencyKeyStore(hosts.a);
      const b = new SqlIdempotencyKeyStore(hosts.b);
      const first = await a.use(use('alice', 'k1', 'hash-1'));
      expect(first).toEqual({ outcome: 'first', generation: expect.any(String) });
      expect(await b.use(use('alice', 'k1', 'hash-1'))).toEqual({
        outcome: 'repeated',
        generation: first.generation,
      });
      expect(await b.use(use('alice', 'k1', 'hash-2'))).toEqual({
        outcome: 'reused',
        generation: first.generation,
      });
      expect(await outcomeOf(a.use(use('alice', 'k1', 'hash-1')))).toBe('repeated');
      expect(await hosts.count('idempotency_keys')).toBe(1);
    });

    it('keeps keys apart per caller and per operation', async () => {
      const store = new SqlIdempotencyKeyStore(hosts.a);
      expect(await outcomeOf(store.use(use('alice', 'shared', 'hash-a')))).toBe('first');
      expect(await outcomeOf(store.use(use('bob', 'shared', 'hash-b')))).toBe('first');
      expect(await outcomeOf(store.use(use('alice', 'shared', 'hash-c', 'POST /upload')))).toBe('first');
      expect(await outcomeOf(store.use(use('bob', 'shared', 'hash-b')))).toBe('repeated');
    });

    it('lets exactly one of several hosts racing on a new key be first', async () => {
      const stores = [hosts.a, hosts.b, hosts.a, hosts.b].map((client) => new SqlIdempotencyKeyStore(client));
      const outcomes = await Promise.all(
        stores.map((store, index) => outcomeOf(store.use(use('alice', 'race', `hash-${index % 2}`)))),
      );
      expect(outcomes.filter((outcome) => outcome === 'first')).toHaveLength(1);
      const winner = outcomes.indexOf('first') % 2;
      outcomes.forEach((outcome, index) => {
        if (outcome !== 'first') expect(outcome).toBe(index % 2 === winner ? 'repeated' : 'reused');
      });
    });

    it('forgets keys first used before the cutoff, in batches; a forgotten key is new again, in a new generation', async () => {
      const store = new SqlIdempotencyKeyStore(hosts.a);
      const start = new Date('2030-01-01T00:00:00Z');
      const at = (hours: number) => new Date(start.getTime() + hours * HOURS);
      const old = await store.use(use('alice', 'old', 'hash-1'), at(0));
      await store.use(use('bob', 'older', 'hash-1'), at(-1));
      await store.use(use('alice', 'recent', 'hash-1'), at(30));

      expect(await store.deleteExpired(at(24), 1)).toBe(1);
      expect(await new SqlIdempotencyKeyStore(hosts.b).deleteExpired(at(24), 10)).toBe(1);
      expect(await store.deleteExpired(at(24), 10)).toBe(0);
      expect(await hosts.count('idempotency_keys')).toBe(1);

      const again = await store.use(use('alice', 'old', 'hash-2'), at(40));
      expect(again.outcome).toBe('first');
      expect(again.generation).not.toBe(old.generation);
      expect(await outcomeOf(store.use(use('alice', 'recent', 'hash-2'), at(40)))).toBe('reused');
    });
  });
}
