import type { SqlClient } from '../db/sql-client';

export interface StoredFile {
  fileId: string;
  size: number;
  sha256: string;
  contentType: string;
  originalName: string | null;
  createdAt: string;
}

/** What decides when a file may go, as of one moment of the sweep. */
export interface ExpiryCutoffs {
  /** Files whose every job finished before this (and no dead letter holds) may go. */
  jobsFinishedBefore: Date;
  /** Files no job ever used, uploaded before this, may go. */
  orphansCreatedBefore: Date;
}

/** Longer than a sweep takes to delete one batch; a claim older than this was abandoned. */
export const DELETION_CLAIM_EXPIRY_MS = 5 * 60 * 1000;

/**
 * Metadata of uploaded files; the bytes live elsewhere. It also records which jobs used each file
 * and when they finished, which is what retention deletes by.
 */
export interface StoredFileRepository {
  insert(file: StoredFile): Promise<void>;
  /** Undefined for a file being deleted: no new job may start on it. */
  get(fileId: string): Promise<StoredFile | undefined>;
  delete(fileId: string): Promise<void>;
  /** Records that `jobId` uses the file; recording it again changes nothing. */
  linkJob(fileId: string, jobId: string, now?: Date): Promise<void>;
  /**
   * Jobs using files whose end is not known yet, least recently checked first, leaving out those
   * already checked at or after `now` (so that one sweep checks each at most once).
   */
  unsettledJobs(limit: number, now?: Date): Promise<string[]>;
  /** The job ended at `finishedAt`; `undefined` means it is still running, as checked `now`. */
  settleJob(jobId: string, finishedAt: Date | undefined, now?: Date): Promise<void>;
  /**
   * Claims up to `limit` files retention may delete: those whose jobs all finished before the
   * cutoff and that no unresolved dead letter references (`orphans`: those no job used), plus any
   * whose deletion a crashed sweep left half done. Concurrent sweeps never claim the same file.
   */
  claimExpired(
    kind: 'used' | 'orphans',
    cutoffs: ExpiryCutoffs,
    limit: number,
    now?: Date,
  ): Promise<string[]>;
  /** Deletes the metadata, analyses and job links of a claimed file; false when already gone. */
  purge(fileId: string): Promise<boolean>;
}

/**
 * A used file expires when every job using it finished before the cutoff, and no dead letter of
 * those jobs still waits for a redrive (pending or redriving), nor was redriven after the cutoff
 * (the new run may not have linked the file yet). A redacted dead letter holds its file alike.
 */
const USED_FILE_EXPIRED = `
  EXISTS (SELECT 1 FROM file_jobs j WHERE j.file_id = f.id)
  AND NOT EXISTS (SELECT 1 FROM file_jobs j WHERE j.file_id = f.id
                  AND (j.finished_at IS NULL OR j.finished_at >= ?))
  AND NOT EXISTS (SELECT 1 FROM file_jobs j JOIN dead_letters d ON d.job_id = j.job_id
                  WHERE j.file_id = f.id AND (d.status != 'redriven' OR d.redriven_at >= ?))`;

const ORPHAN_EXPIRED = `
  NOT EXISTS (SELECT 1 FROM file_jobs j WHERE j.file_id = f.id) AND f.created_at < ?`;

function expiryParameters(kind: 'used' | 'orphans', cutoff: Date): string[] {
  const at = cutoff.toISOString();
  return kind === 'used' ? [at, at] : [at];
}

interface StoredFileRow {
  id: string;
  size: number | string;
  sha256: string;
  content_type: string;
  original_name: string | null;
  created_at: string;
  deleting_at?: string | null;
}

function fromRow(row: StoredFileRow): StoredFile {
  return {
    fileId: row.id,
    // PostgreSQL returns BIGINT as a string.
    size: Number(row.size),
    sha256: row.sha256,
    contentType: row.content_type,
    originalName: row.original_name,
    createdAt: row.created_at,
  };
}

export class SqlStoredFileRepository implements StoredFileRepository {
  constructor(private readonly sql: SqlClient) {}

  async insert(file: StoredFile): Promise<void> {
    await this.sql.execute(
      `INSERT INTO stored_files (id, size, sha256, content_type, original_name, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
      [file.fileId, file.size, file.sha256, file.contentType, file.originalName, file.createdAt],
    );
  }

  async get(fileId: string): Promise<StoredFile | undefined> {
    const [row] = await this.sql.query<StoredFileRow>(
      'SELECT * FROM stored_files WHERE id = ? AND deleting_at IS NULL',
      [fileId],
    );
    return row && fromRow(row);
  }

  async delete(fileId: string): Promise<void> {
    await this.sql.execute('DELETE FROM stored_files WHERE id = ?', [fileId]);
  }

  async linkJob(fileId: string, jobId: string, now: Date = new Date()): Promise<void> {
    await this.sql.execute(
      `INSERT INTO file_jobs (file_id, job_id, linked_at) VALUES (?, ?, ?)
       ON CONFLICT (file_id, job_id) DO NOTHING`,
      [fileId, jobId, now.toISOString()],
    );
  }

  async unsettledJobs(limit: number, now: Date = new Date()): Promise<string[]> {
    const rows = await this.sql.query<{ job_id: string }>(
      `SELECT job_id FROM file_jobs
       WHERE finished_at IS NULL AND (checked_at IS NULL OR checked_at < ?)
       GROUP BY job_id ORDER BY MIN(COALESCE(checked_at, '')), job_id LIMIT ?`,
      [now.toISOString(), limit],
    );
    return rows.map((row) => row.job_id);
  }

  async settleJob(jobId: string, finishedAt: Date | undefined, now: Date = new Date()): Promise<void> {
    if (finishedAt === undefined) {
      await this.sql.execute('UPDATE file_jobs SET checked_at = ? WHERE job_id = ? AND finished_at IS NULL', [
        now.toISOString(),
        jobId,
      ]);
      return;
    }
    await this.sql.execute(
      'UPDATE file_jobs SET finished_at = ?, checked_at = ? WHERE job_id = ? AND finished_at IS NULL',
      [finishedAt.toISOString(), now.toISOString(), jobId],
    );
  }

  async claimExpired(
    kind: 'used' | 'orphans',
    cutoffs: ExpiryCutoffs,
    limit: number,
    now: Date = new Date(),
  ): Promise<string[]> {
    const expiry = kind === 'used' ? USED_FILE_EXPIRED : ORPHAN_EXPIRED;
    const cutoff = kind === 'used' ? cutoffs.jobsFinishedBefore : cutoffs.orphansCreatedBefore;
    const abandoned = new Date(now.getTime() - DELETION_CLAIM_EXPIRY_MS).toISOString();
    const rows = await this.sql.query<{ id: string }>(
      `UPDATE stored_files SET deleting_at = ? WHERE id IN (
         SELECT f.id FROM stored_files f
         WHERE ${expiry} AND (f.deleting_at IS NULL OR f.deleting_at < ?)
         ORDER BY f.created_at, f.id LIMIT ? ${this.sql.skipLockedRows})
       RETURNING id`,
      [now.toISOString(), ...expiryParameters(kind, cutoff), abandoned, limit],
    );
    return rows.map((row) => row.id).sort();
  }

  async purge(fileId: string): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      await tx.execute('DELETE FROM file_analyses WHERE file_id = ?', [fileId]);
      await tx.execute('DELETE FROM file_jobs WHERE file_id = ?', [fileId]);
      return (await tx.execute('DELETE FROM stored_files WHERE id = ?', [fileId])) === 1;
    });
  }
}
