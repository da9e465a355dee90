import { SqlIdempotencyKeyStore } from '../../../src/jobs/idempotency-keys';
import type { StorageHosts } from './hosts';

/** Idempotency keys, kept per caller and operation, on any host. */
export function describeIdempotencyKeyContract(hosts: StorageHosts): void {
  describe('idempotency keys', () => {
    const use = (scope: string, key: string, requestHash: string, operation = 'POST /emails') => ({
      scope,
      operation,
      key,
      requestHash,
    });

    it('tells first use, a repeat with the same request and reuse with another, on any host', async () => {
      const a = new SqlIdempotencyKeyStore(hosts.a);
      const b = new SqlIdempotencyKeyStore(hosts.b);
      expect(await a.use(use('alice', 'k1', 'hash-1'))).toBe('first');
      expect(await b.use(use('alice', 'k1', 'hash-1'))).toBe('repeated');
      expect(await b.use(use('alice', 'k1', 'hash-2'))).toBe('reused');
      expect(await a.use(use('alice', 'k1', 'hash-1'))).toBe('repeated');
      expect(await hosts.count('idempotency_keys')).toBe(1);
    });

    it('keeps keys apart per caller and per operation', async () => {
      const store = new SqlIdempotencyKeyStore(hosts.a);
      expect(await store.use(use('alice', 'shared', 'hash-a'))).toBe('first');
      expect(await store.use(use('bob', 'shared', 'hash-b'))).toBe('first');
      expect(await store.use(use('alice', 'shared', 'hash-c', 'POST /upload'))).toBe('first');
      expect(await store.use(use('bob', 'shared', 'hash-b'))).toBe('repeated');
    });

    it('lets exactly one of several hosts racing on a new key be first', async () => {
      const stores = [hosts.a, hosts.b, hosts.a, hosts.b].map((client) => new SqlIdempotencyKeyStore(client));
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
}
