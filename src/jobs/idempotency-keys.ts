// Idempotency keys as the IETF Idempotency-Key draft has them: a key belongs to its caller and to
// the first request it came with. Kept in the service's database, so that every host agrees.
import { createHash } from 'node:crypto';
import type { SqlClient } from '../db/sql-client';

export interface IdempotencyKeyUse {
  /** Whose key it is: the caller's token name. */
  scope: string;
  /** What it was used for, `POST /emails`; a key may be reused for another operation. */
  operation: string;
  key: string;
  /** `requestFingerprint` of the request body. */
  requestHash: string;
}

/** `first`: never seen; `repeated`: seen with the same body; `reused`: seen with another body. */
export type IdempotencyKeyOutcome = 'first' | 'repeated' | 'reused';

export interface IdempotencyKeyStore {
  /** Records the first use of a key, and tells a later use whether its request is the same. */
  use(entry: IdempotencyKeyUse, now?: Date): Promise<IdempotencyKeyOutcome>;
}

/** JSON with object keys sorted, so that the same body in another key order is the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestFingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

export class SqlIdempotencyKeyStore implements IdempotencyKeyStore {
  constructor(private readonly sql: SqlClient) {}

  async use(entry: IdempotencyKeyUse, now: Date = new Date()): Promise<IdempotencyKeyOutcome> {
    // The primary key settles a race between hosts: one insert wins, the others read its hash.
    const inserted = await this.sql.execute(
      `INSERT INTO idempotency_keys (scope, operation, idempotency_key, request_hash, created_at)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (scope, operation, idempotency_key) DO NOTHING`,
      [entry.scope, entry.operation, entry.key, entry.requestHash, now.toISOString()],
    );
    if (inserted === 1) return 'first';
    const [row] = await this.sql.query<{ request_hash: string }>(
      `SELECT request_hash FROM idempotency_keys WHERE scope = ? AND operation = ? AND idempotency_key = ?`,
      [entry.scope, entry.operation, entry.key],
    );
    return row?.request_hash === entry.requestHash ? 'repeated' : 'reused';
  }
}

/**
 * The key as job ids and other derived ids see it: prefixed with the caller's scope, so that two
 * callers' equal keys name two jobs. Token names never contain a newline.
 */
export function scopedIdempotencyKey(scope: string, key: string): string {
  return `${scope}\n${key}`;
}
