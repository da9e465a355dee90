import type { EncryptionKey } from '../../src/temporal/payload-codec';

/** A key for recorded test histories only: it protects nothing and must never be configured. */
export const REPLAY_ENCRYPTION_KEYS: EncryptionKey[] = [
  { id: 'replay-test-only', key: Buffer.from('replay-histories-test-key-32-byt', 'utf8') },
];
