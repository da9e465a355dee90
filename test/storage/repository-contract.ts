import { describeDeadLetterContract } from './contract/dead-letters';
import { describeFileContract } from './contract/files';
import { type StorageBackend, useStorageHosts } from './contract/hosts';
import { describeIdempotencyKeyContract } from './contract/idempotency-keys';
import { describeMigrationContract } from './contract/migrations';
import { describeSideEffectContract } from './contract/side-effects';
import { describeUserAndOutboxContract } from './contract/users-and-outbox';

export type { StorageBackend } from './contract/hosts';

/**
 * The data-layer contract every backend must meet, written once (one file per repository under
 * `contract/`) and run against each: SQLite in `npm test`, PostgreSQL in the multi-host suite.
 */
export function describeRepositories(name: string, openBackend: () => Promise<StorageBackend>): void {
  describe(`${name} storage`, () => {
    const hosts = useStorageHosts(openBackend);
    describeMigrationContract(hosts);
    describeUserAndOutboxContract(hosts);
    describeSideEffectContract(hosts);
    describeFileContract(hosts);
    describeIdempotencyKeyContract(hosts);
    describeDeadLetterContract(hosts);
  });
}
