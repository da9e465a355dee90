import { randomUUID } from 'node:crypto';
import type { SqlClient } from '../db/sql-client';
import {
  CLAIM_EXPIRY_MS,
  decodeCursor,
  encodeCursor,
  type DeadLetter,
  type DeadLetterListOptions,
  type DeadLetterPage,
  type DeadLetterStatus,
  type DeadLetterStore,
  type NewDeadLetter,
  type RedriveFailure,
  type RedriveRecord,
  type RedactedParts,
  type RetentionPolicy,
} from './dead-letter-store';

interface DeadLetterRow {
  id: string;
  job_id: string;
  run_id: string;
  job_type: string;
  input: string;
  error_type: string | null;
  error_message: string;
  failed_step: string | null;
  attempts: string;
  job_started_at: string | null;
  failed_at: string;
  claimed_at: string | null;
  status: DeadLetterStatus;
  redriven_job_id: string | null;
  redriven_at: string | null;
  redriven_by: string | null;
  redrive_changes: string | null;
  redacted_at: string | null;
  failed_redrives: number | string;
  last_redrive_failure: string | null;
}

function fromRow(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    jobId: row.job_id,
    runId: row.run_id,
    jobType: row.job_type,
    input: JSON.parse(row.input),
    errorType: row.error_type,
    errorMessage: row.error_message,
    failedStep: row.failed_step,
    attempts: JSON.parse(row.attempts),
    jobStartedAt: row.job_started_at,
    failedAt: row.failed_at,
    status: row.status,
    redrivenJobId: row.redriven_job_id,
    redrivenAt: row.redriven_at,
    redrivenBy: row.redriven_by,
    redriveChanges: row.redrive_changes === null ? null : JSON.parse(row.redrive_changes),
    redactedAt: row.redacted_at,
    failedRedrives: Number(row.failed_redrives),
    lastRedriveFailure: row.last_redrive_failure === null ? null : JSON.parse(row.last_redrive_failure),
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

// Pending, or claimed by a redrive that never finished. Redrive job ids derive from the entry, so
// taking over an expired claim cannot start a second job.
const CLAIMABLE = `(status = 'pending' OR (status = 'redriving' AND claimed_at < ?))`;

function expiredClaimCutoff(now: Date): string {
  return new Date(now.getTime() - CLAIM_EXPIRY_MS).toISOString();
}

function oldestFirst(a: DeadLetterRow, b: DeadLetterRow): number {
  return a.failed_at === b.failed_at ? a.id.localeCompare(b.id) : a.failed_at.localeCompare(b.failed_at);
}

export class SqlDeadLetterStore implements DeadLetterStore {
  constructor(
    private readonly sql: SqlClient,
    private readonly retention: RetentionPolicy,
  ) {}

  async record(entry: NewDeadLetter, now: Date = new Date()): Promise<DeadLetter> {
    // The unique (job_id, run_id) makes a second recording, even from another host, a no-op.
    await this.sql.execute(
      `INSERT INTO dead_letters
         (id, job_id, run_id, job_type, input, error_type, error_message, failed_step, attempts, job_started_at, failed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (job_id, run_id) DO NOTHING`,
      [
        randomUUID(),
        entry.jobId,
        entry.runId,
        entry.jobType,
        JSON.stringify(entry.input ?? null),
        entry.errorType,
        entry.errorMessage,
        entry.failedStep,
        JSON.stringify(entry.attempts),
        entry.jobStartedAt,
        now.toISOString(),
      ],
    );
    await this.prune(now);
    const [row] = await this.sql.query<DeadLetterRow>(
      'SELECT * FROM dead_letters WHERE job_id = ? AND run_id = ?',
      [entry.jobId, entry.runId],
    );
    if (!row) throw new Error(`Dead letter for job ${entry.jobId} was pruned as soon as it was recorded`);
    return fromRow(row);
  }

  async prune(now: Date = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.retention.maxAgeDays * DAY_MS).toISOString();
    const aged = await this.sql.execute(
      `DELETE FROM dead_letters WHERE failed_at < ? AND status != 'redriving'`,
      [cutoff],
    );
    const overflow = await this.sql.execute(
      `DELETE FROM dead_letters WHERE status != 'redriving' AND id NOT IN (
         SELECT id FROM dead_letters ORDER BY failed_at DESC, id DESC LIMIT ?)`,
      [this.retention.maxEntries],
    );
    return aged + overflow;
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const [row] = await this.sql.query<DeadLetterRow>('SELECT * FROM dead_letters WHERE id = ?', [id]);
    return row && fromRow(row);
  }

  async countPending(): Promise<Record<string, number>> {
    const rows = await this.sql.query<{ job_type: string; pending: number | string }>(
      `SELECT job_type, COUNT(*) AS pending FROM dead_letters WHERE status = 'pending' GROUP BY job_type`,
    );
    // PostgreSQL answers COUNT as a string (bigint).
    return Object.fromEntries(rows.map((row) => [row.job_type, Number(row.pending)]));
  }

  async list(options: DeadLetterListOptions): Promise<DeadLetterPage> {
    const conditions: string[] = [];
    const parameters: string[] = [];
    if (options.jobType) {
      conditions.push('job_type = ?');
      parameters.push(options.jobType);
    }
    if (options.status) {
      conditions.push('status = ?');
      parameters.push(options.status);
    }
    if (options.cursor) {
      const [failedAt, id] = decodeCursor(options.cursor);
      conditions.push('(failed_at < ? OR (failed_at = ? AND id < ?))');
      parameters.push(failedAt, failedAt, id);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await this.sql.query<DeadLetterRow>(
      `SELECT * FROM dead_letters ${where} ORDER BY failed_at DESC, id DESC LIMIT ?`,
      [...parameters, options.limit + 1],
    );
    const items = rows.slice(0, options.limit).map(fromRow);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > options.limit && last ? encodeCursor(last) : null };
  }

  async claimForRedrive(id: string, now: Date = new Date()): Promise<boolean> {
    const claimed = await this.sql.execute(
      `UPDATE dead_letters SET status = 'redriving', claimed_at = ? WHERE id = ? AND ${CLAIMABLE}`,
      [now.toISOString(), id, expiredClaimCutoff(now)],
    );
    return claimed === 1;
  }

  async claimBatchForRedrive(
    options: { jobType?: string; limit: number },
    now: Date = new Date(),
  ): Promise<DeadLetter[]> {
    const rows = await this.sql.query<DeadLetterRow>(
      `UPDATE dead_letters SET status = 'redriving', claimed_at = ? WHERE id IN (
         SELECT id FROM dead_letters WHERE ${CLAIMABLE} AND redacted_at IS NULL ${options.jobType ? 'AND job_type = ?' : ''}
         ORDER BY failed_at ASC, id ASC LIMIT ? ${this.sql.skipLockedRows})
       RETURNING *`,
      [
        now.toISOString(),
        expiredClaimCutoff(now),
        ...(options.jobType ? [options.jobType] : []),
        options.limit,
      ],
    );
    // RETURNING promises no order.
    return rows.sort(oldestFirst).map(fromRow);
  }

  async completeRedrive(
    id: string,
    jobId: string,
    record: RedriveRecord,
    now: Date = new Date(),
  ): Promise<void> {
    await this.sql.execute(
      `UPDATE dead_letters
         SET status = 'redriven', redriven_job_id = ?, redriven_at = ?, redriven_by = ?, redrive_changes = ?
       WHERE id = ?`,
      [jobId, now.toISOString(), record.by, JSON.stringify(record.changes), id],
    );
  }

  async releaseRedrive(
    id: string,
    failure?: Omit<RedriveFailure, 'at'>,
    now: Date = new Date(),
  ): Promise<void> {
    if (!failure) {
      await this.sql.execute(
        `UPDATE dead_letters SET status = 'pending' WHERE id = ? AND status = 'redriving'`,
        [id],
      );
      return;
    }
    const recorded: RedriveFailure = { ...failure, at: now.toISOString() };
    await this.sql.execute(
      `UPDATE dead_letters
         SET status = 'pending', failed_redrives = failed_redrives + 1, last_redrive_failure = ?
       WHERE id = ? AND status = 'redriving'`,
      [JSON.stringify(recorded), id],
    );
  }

  async discard(id: string): Promise<boolean> {
    return (
      (await this.sql.execute(`DELETE FROM dead_letters WHERE id = ? AND status != 'redriving'`, [id])) === 1
    );
  }

  async listUnredacted(failedBefore: Date, limit: number): Promise<DeadLetter[]> {
    const rows = await this.sql.query<DeadLetterRow>(
      `SELECT * FROM dead_letters WHERE redacted_at IS NULL AND failed_at < ? AND status != 'redriving'
       ORDER BY failed_at, id LIMIT ?`,
      [failedBefore.toISOString(), limit],
    );
    return rows.map(fromRow);
  }

  async saveRedacted(id: string, parts: RedactedParts, now: Date = new Date()): Promise<boolean> {
    const changed = await this.sql.execute(
      `UPDATE dead_letters
         SET input = ?, error_message = ?, attempts = ?, last_redrive_failure = ?, redacted_at = ?
       WHERE id = ? AND redacted_at IS NULL AND status != 'redriving'`,
      [
        JSON.stringify(parts.input ?? null),
        parts.errorMessage,
        JSON.stringify(parts.attempts),
        parts.lastRedriveFailure === null ? null : JSON.stringify(parts.lastRedriveFailure),
        now.toISOString(),
        id,
      ],
    );
    return changed === 1;
  }
}
