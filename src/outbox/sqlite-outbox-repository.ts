import type { JobType } from '../contracts';
import type { Database } from '../db/database';
import type { NewOutboxEntry, OutboxEntry, OutboxRepository } from './outbox-entry';

interface OutboxRow {
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
export function insertOutboxEntries(db: Database, entries: NewOutboxEntry[], createdAt: string): void {
  const insert = db.prepare(
    'INSERT INTO outbox (id, job_type, job_id, input, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  for (const entry of entries) {
    insert.run(entry.id, entry.jobType, entry.jobId, JSON.stringify(entry.input), createdAt);
  }
}

export class SqliteOutboxRepository implements OutboxRepository {
  constructor(private readonly db: Database) {}

  async pending(limit: number): Promise<OutboxEntry[]> {
    const rows = this.db
      .prepare('SELECT * FROM outbox WHERE dispatched_at IS NULL ORDER BY seq LIMIT ?')
      .all(limit) as OutboxRow[];
    return rows.map(toEntry);
  }

  async findById(id: string): Promise<OutboxEntry | undefined> {
    const row = this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow | undefined;
    return row && toEntry(row);
  }

  async markDispatched(id: string): Promise<void> {
    this.db
      .prepare(
        `UPDATE outbox SET dispatched_at = ?, dispatch_attempts = dispatch_attempts + 1, last_error = NULL
         WHERE id = ? AND dispatched_at IS NULL`,
      )
      .run(new Date().toISOString(), id);
  }

  async recordDispatchFailure(id: string, error: string): Promise<void> {
    this.db
      .prepare('UPDATE outbox SET dispatch_attempts = dispatch_attempts + 1, last_error = ? WHERE id = ?')
      .run(error, id);
  }
}
