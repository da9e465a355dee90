// Idempotency keys as the IETF Idempotency-Key draft has them: a key belongs to its caller and to
// the first request it came with, until it expires (IDEMPOTENCY_KEY_RETENTION). Kept in the
// service's database, so that every host agrees.
import { createHash, randomUUID } from 'node:crypto';
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

export interface IdempotencyKeyUsed {
  outcome: IdempotencyKeyOutcome;
  /**
   * Which life of the key this is: a new one each time the key is first used, so that a key used
   * again after it expired names a new job. Null for keys recorded before keys expired.
   */
  generation: string | null;
}

export interface IdempotencyKeyStore {
  /** Records the first use of a key, and tells a later use whether its request is the same. */
  use(entry: IdempotencyKeyUse, now?: Date): Promise<IdempotencyKeyUsed>;
  /** Forgets up to `limit` keys first used before `usedBefore`; returns how many. */
  deleteExpired(usedBefore: Date, limit: number): Promise<number>;
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

  async use(entry: IdempotencyKeyUse, now: Date = new Date()): Promise<IdempotencyKeyUsed> {
    // The primary key settles a race between hosts: one insert wins, the others read its row.
    const generation = randomUUID();
    const inserted = await this.sql.execute(
      `INSERT INTO idempotency_keys (scope, operation, idempotency_key, request_hash, created_at, generation)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (scope, operation, idempotency_key) DO NOTHING`,
      [entry.scope, entry.operation, entry.key, entry.requestHash, now.toISOString(), generation],
    );
    if (inserted === 1) return { outcome: 'first', generation };
    const [row] = await this.sql.query<{ request_hash: string; generation: string | null }>(
      `SELECT request_hash, generation FROM idempotency_keys
       WHERE scope = ? AND operation = ? AND idempotency_key = ?`,
      [entry.scope, entry.operation, entry.key],
    );
    // Deleted by the sweep between the insert and the read: this request may try again as new.
    if (!row) return this.use(entry, now);
    return {
      outcome: row.request_hash === entry.requestHash ? 'repeated' : 'reused',
      generation: row.generation,
    };
  }

  async deleteExpired(usedBefore: Date, limit: number): Promise<number> {
    return this.sql.execute(
      `DELETE FROM idempotency_keys WHERE (scope, operation, idempotency_key) IN (
         SELECT scope, operation, idempotency_key FROM idempotency_keys
         WHERE created_at < ? ORDER BY created_at LIMIT ?)`,
      [usedBefore.toISOString(), limit],
    );
  }
}

/**
 * The key as job ids and other derived ids see it: prefixed with the caller's scope, so that two
 * callers' equal keys name two jobs, and followed by its generation, so that a key used again
 * after it expired names a new job. Token names never contain a newline.
 */
export function scopedIdempotencyKey(scope: string, key: string, generation: string | null): string {
  return generation === null ? `${scope}\n${key}` : `${scope}\n${key}\n${generation}`;
}
