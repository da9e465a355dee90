import type { SqlClient } from '../db/sql-client';

/**
 * Remembers side effects that must happen once per job (the seed's `is_already_processed` /
 * `mark_processed`), so that a retried activity does not repeat one that already succeeded.
 */
export interface SideEffectLedger {
  isDone(key: string): Promise<boolean>;
  /** True for the one caller that recorded `key` first; false when it was already there. */
  markDone(key: string, jobId: string, kind: string, detail?: string): Promise<boolean>;
}

export class SqlSideEffectLedger implements SideEffectLedger {
  constructor(private readonly sql: SqlClient) {}

  async isDone(key: string): Promise<boolean> {
    return (await this.sql.query('SELECT 1 FROM side_effects WHERE key = ?', [key])).length > 0;
  }

  async markDone(key: string, jobId: string, kind: string, detail?: string): Promise<boolean> {
    const inserted = await this.sql.execute(
      `INSERT INTO side_effects (key, job_id, kind, detail, completed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (key) DO NOTHING`,
      [key, jobId, kind, detail ?? null, new Date().toISOString()],
    );
    return inserted === 1;
  }
}
