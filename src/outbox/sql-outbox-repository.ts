import type { JobType } from '../contracts';
import type { SqlClient, SqlExecutor } from '../db/sql-client';
import {
  OUTBOX_CLAIM_EXPIRY_MS,
  type NewOutboxEntry,
  type OutboxEntry,
  type OutboxRepository,
} from './outbox-entry';

interface OutboxRow {
  seq: number | string;
  id: string;
  job_type: string;
  job_id: string;
  input: string;
  created_at: string;
  dispatched_at: string | null;
  dispatch_attempts: number;
  last_error: string | null;
}

function toEntry(row: OutboxRow): OutboxEntry {
  return {
    id: row.id,
    jobType: row.job_type as JobType,
    jobId: row.job_id,
    input: JSON.parse(row.input) as unknown,
    createdAt: row.created_at,
    dispatchedAt: row.dispatched_at,
    dispatchAttempts: row.dispatch_attempts,
    lastError: row.last_error,
  };
}

/** For repositories that write outbox entries inside their own transaction. */
export async function insertOutboxEntries(
  tx: SqlExecutor,
  entries: NewOutboxEntry[],
  createdAt: string,
): Promise<void> {
  for (const entry of entries) {
    await tx.execute('INSERT INTO outbox (id, job_type, job_id, input, created_at) VALUES (?, ?, ?, ?, ?)', [
      entry.id,
      entry.jobType,
      entry.jobId,
      JSON.stringify(entry.input),
      createdAt,
    ]);
  }
}

export class SqlOutboxRepository implements OutboxRepository {
  constructor(private readonly sql: SqlClient) {}

  async pending(limit: number): Promise<OutboxEntry[]> {
    const rows = await this.sql.query<OutboxRow>(
      'SELECT * FROM outbox WHERE dispatched_at IS NULL ORDER BY seq LIMIT ?',
      [limit],
    );
    return rows.map(toEntry);
  }

  async claimPending(limit: number, now: Date = new Date()): Promise<OutboxEntry[]> {
    const cutoff = new Date(now.getTime() - OUTBOX_CLAIM_EXPIRY_MS).toISOString();
    const rows = await this.sql.query<OutboxRow>(
      `UPDATE outbox SET claimed_at = ? WHERE id IN (
         SELECT id FROM outbox WHERE dispatched_at IS NULL AND (claimed_at IS NULL OR claimed_at < ?)
         ORDER BY seq LIMIT ? ${this.sql.skipLockedRows})
       RETURNING *`,
      [now.toISOString(), cutoff, limit],
    );
    // RETURNING promises no order.
    return rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map(toEntry);
  }

  async releaseClaims(ids: string[]): Promise<void> {
    for (const id of ids) {
      await this.sql.execute('UPDATE outbox SET claimed_at = NULL WHERE id = ? AND dispatched_at IS NULL', [
        id,
      ]);
    }
  }

  async findById(id: string): Promise<OutboxEntry | undefined> {
    const [row] = await this.sql.query<OutboxRow>('SELECT * FROM outbox WHERE id = ?', [id]);
    return row && toEntry(row);
  }

  async markDispatched(id: string): Promise<void> {
    await this.sql.execute(
      `UPDATE outbox SET dispatched_at = ?, dispatch_attempts = dispatch_attempts + 1, last_error = NULL,
         claimed_at = NULL
       WHERE id = ? AND dispatched_at IS NULL`,
      [new Date().toISOString(), id],
    );
  }

  async recordDispatchFailure(id: string, error: string): Promise<void> {
    await this.sql.execute(
      `UPDATE outbox SET dispatch_attempts = dispatch_attempts + 1, last_error = ?, claimed_at = NULL
       WHERE id = ?`,
      [error, id],
    );
  }
}
