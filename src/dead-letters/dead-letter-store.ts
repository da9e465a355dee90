import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database';

/** One attempt-level record of what failed, read from the job's history. */
export interface StepFailure {
  step: string;
  attempts: number;
  errorType: string | null;
  message: string;
  failedAt: string | null;
}

export interface NewDeadLetter {
  jobId: string;
  runId: string;
  jobType: string;
  input: unknown;
  errorType: string | null;
  errorMessage: string;
  failedStep: string | null;
  attempts: StepFailure[];
  jobStartedAt: string | null;
}

export type DeadLetterStatus = 'pending' | 'redriving' | 'redriven';

export interface DeadLetter extends NewDeadLetter {
  id: string;
  failedAt: string;
  status: DeadLetterStatus;
  redrivenJobId: string | null;
  redrivenAt: string | null;
}

export interface RetentionPolicy {
  maxEntries: number;
  maxAgeDays: number;
}

export interface DeadLetterPage {
  items: DeadLetter[];
  nextCursor: string | null;
}

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
  };
}

// Cursors are opaque to clients: the (failed_at, id) of the last item seen.
function encodeCursor(entry: DeadLetter): string {
  return Buffer.from(JSON.stringify([entry.failedAt, entry.id])).toString('base64url');
}

export class InvalidCursorError extends Error {}

function decodeCursor(cursor: string): [string, string] {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2 && decoded.every((part) => typeof part === 'string')) {
      return decoded as [string, string];
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError('cursor is not one this API returned');
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Longer than any redrive takes (it only starts a workflow); shorter than a person's patience. */
export const CLAIM_EXPIRY_MS = 5 * 60 * 1000;

// Pending, or claimed by a redrive that never finished. Redrive job ids derive from the entry, so
// taking over an expired claim cannot start a second job.
const CLAIMABLE = `(status = 'pending' OR (status = 'redriving' AND claimed_at < ?))`;

function expiredClaimCutoff(now: Date): string {
  return new Date(now.getTime() - CLAIM_EXPIRY_MS).toISOString();
}

/** The dead-letter queue: durable in the service's database, shared by every API and worker process. */
export class DeadLetterStore {
  constructor(
    private readonly db: Database,
    private readonly retention: RetentionPolicy,
  ) {}

  /** Idempotent per job run: recording the same failure twice keeps one entry and returns it. */
  record(entry: NewDeadLetter, now: Date = new Date()): DeadLetter {
    const insert = this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT OR IGNORE INTO dead_letters
             (id, job_id, run_id, job_type, input, error_type, error_message, failed_step, attempts, job_started_at, failed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
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
        );
      this.prune(now);
      return this.db
        .prepare('SELECT * FROM dead_letters WHERE job_id = ? AND run_id = ?')
        .get(entry.jobId, entry.runId) as DeadLetterRow;
    });
    return fromRow(insert.immediate());
  }

  /** Drops entries past the age limit, then the oldest beyond the count limit. */
  prune(now: Date = new Date()): number {
    const cutoff = new Date(now.getTime() - this.retention.maxAgeDays * DAY_MS).toISOString();
    const aged = this.db
      .prepare(`DELETE FROM dead_letters WHERE failed_at < ? AND status != 'redriving'`)
      .run(cutoff);
    const overflow = this.db
      .prepare(
        `DELETE FROM dead_letters WHERE status != 'redriving' AND id IN (
           SELECT id FROM dead_letters ORDER BY failed_at DESC, id DESC LIMIT -1 OFFSET ?)`,
      )
      .run(this.retention.maxEntries);
    return aged.changes + overflow.changes;
  }

  get(id: string): DeadLetter | undefined {
    const row = this.db.prepare('SELECT * FROM dead_letters WHERE id = ?').get(id) as
      DeadLetterRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Newest first. */
  list(options: {
    jobType?: string;
    status?: DeadLetterStatus;
    limit: number;
    cursor?: string;
  }): DeadLetterPage {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
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
    const rows = this.db
      .prepare(`SELECT * FROM dead_letters ${where} ORDER BY failed_at DESC, id DESC LIMIT ?`)
      .all(...parameters, options.limit + 1) as DeadLetterRow[];
    const items = rows.slice(0, options.limit).map(fromRow);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > options.limit && last ? encodeCursor(last) : null };
  }

  /**
   * Takes the entry for a redrive. Only one caller can hold it: a concurrent or repeated redrive
   * gets `false`. A claim left by a process that died mid-redrive expires after CLAIM_EXPIRY_MS.
   */
  claimForRedrive(id: string, now: Date = new Date()): boolean {
    return (
      this.db
        .prepare(`UPDATE dead_letters SET status = 'redriving', claimed_at = ? WHERE id = ? AND ${CLAIMABLE}`)
        .run(now.toISOString(), id, expiredClaimCutoff(now)).changes === 1
    );
  }

  /** Claims up to `limit` pending entries at once, oldest first, for a bulk redrive. */
  claimBatchForRedrive(options: { jobType?: string; limit: number }, now: Date = new Date()): DeadLetter[] {
    const claim = this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT * FROM dead_letters WHERE ${CLAIMABLE} ${options.jobType ? 'AND job_type = ?' : ''}
           ORDER BY failed_at ASC, id ASC LIMIT ?`,
        )
        .all(
          expiredClaimCutoff(now),
          ...(options.jobType ? [options.jobType] : []),
          options.limit,
        ) as DeadLetterRow[];
      const mark = this.db.prepare(
        `UPDATE dead_letters SET status = 'redriving', claimed_at = ? WHERE id = ?`,
      );
      for (const row of rows) mark.run(now.toISOString(), row.id);
      return rows.map((row) => fromRow({ ...row, status: 'redriving' }));
    });
    return claim.immediate();
  }

  completeRedrive(id: string, jobId: string, now: Date = new Date()): void {
    this.db
      .prepare(
        `UPDATE dead_letters SET status = 'redriven', redriven_job_id = ?, redriven_at = ? WHERE id = ?`,
      )
      .run(jobId, now.toISOString(), id);
  }

  releaseRedrive(id: string): void {
    this.db
      .prepare(`UPDATE dead_letters SET status = 'pending' WHERE id = ? AND status = 'redriving'`)
      .run(id);
  }

  /** Discards an entry; `false` when there is none or it is being redriven right now. */
  discard(id: string): boolean {
    return (
      this.db.prepare(`DELETE FROM dead_letters WHERE id = ? AND status != 'redriving'`).run(id).changes === 1
    );
  }
}
