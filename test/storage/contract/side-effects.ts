import { randomUUID } from 'node:crypto';
import { SqlSideEffectLedger } from '../../../src/jobs/side-effects';
import type { StorageHosts } from './hosts';

/** The ledger that keeps a side effect (an e-mail, a webhook) from happening twice. */
export function describeSideEffectContract(hosts: StorageHosts): void {
  describe('side-effect ledger', () => {
    it('records a key once however many hosts mark it at the same moment', async () => {
      const ledgers = [new SqlSideEffectLedger(hosts.a), new SqlSideEffectLedger(hosts.b)];
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
      expect(await hosts.count('side_effects')).toBe(1);
    });
  });
}
