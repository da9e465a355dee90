import type { Database } from '../db/database';

/**
 * Remembers side effects that must happen once per job (the seed's `is_already_processed` /
 * `mark_processed`), so that a retried activity does not repeat one that already succeeded.
 */
export class SideEffectLedger {
  constructor(private readonly db: Database) {}

  isDone(key: string): boolean {
    return this.db.prepare('SELECT 1 FROM side_effects WHERE key = ?').get(key) !== undefined;
  }

  markDone(key: string, jobId: string, kind: string, detail?: string): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO side_effects (key, job_id, kind, detail, completed_at) VALUES (?, ?, ?, ?, ?)`,
      )
      .run(key, jobId, kind, detail ?? null, new Date().toISOString());
  }
}
