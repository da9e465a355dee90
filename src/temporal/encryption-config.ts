// PAYLOAD_ENCRYPTION_KEYS as configuration: the keys of the payload codec, read and checked at start.
import { ConfigError, type Env } from '../config-error';
import { isLoopbackHost } from '../net/loopback';
import { KEY_BYTES, type EncryptionKey } from './payload-codec';

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

function readEncryptionKey(entry: string): EncryptionKey {
  const name = 'PAYLOAD_ENCRYPTION_KEYS';
  const separator = entry.indexOf(':');
  const id = entry.slice(0, separator).trim();
  const encoded = entry.slice(separator + 1).trim();
  if (separator < 0 || !KEY_ID.test(id)) {
    throw new ConfigError(
      name,
      'entries must look like keyId:base64key (key ids of A-Z, a-z, 0-9, ".", "_", "-")',
    );
  }
  const key = Buffer.from(encoded, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || key.length !== KEY_BYTES) {
    throw new ConfigError(
      name,
      `key "${id}" must be exactly ${KEY_BYTES} bytes in base64 (openssl rand -base64 32), got ${key.length} bytes`,
    );
  }
  return { id, key };
}

/** Off on loopback unless set; required anywhere else, where Temporal's history is a shared store. */
export function readEncryptionKeys(env: Env, host: string): EncryptionKey[] {
  const raw = env.PAYLOAD_ENCRYPTION_KEYS?.trim() ?? '';
  if (raw === '') {
    if (isLoopbackHost(host)) return [];
    throw new ConfigError(
      'PAYLOAD_ENCRYPTION_KEYS',
      `is required when the API listens beyond loopback (HOST=${host}): personal data in Temporal must be encrypted`,
    );
  }
  const keys = raw.split(',').map((entry) => readEncryptionKey(entry.trim()));
  const ids = new Set<string>();
  for (const { id } of keys) {
    if (ids.has(id)) throw new ConfigError('PAYLOAD_ENCRYPTION_KEYS', `names key "${id}" twice`);
    ids.add(id);
  }
  return keys;
}
