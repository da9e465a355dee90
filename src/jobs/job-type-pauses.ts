// Which job types an operator has paused, kept in the service's database so that the API and
// every worker agree. A paused type's jobs are still accepted and started; their steps wait.
import { isJobType, type JobType } from '../contracts';
import type { SqlClient } from '../db/sql-client';

export interface JobTypePause {
  jobType: JobType;
  pausedAt: string;
  pausedBy: string;
}

export interface JobTypePauseStore {
  list(): Promise<JobTypePause[]>;
  isPaused(jobType: string): Promise<boolean>;
  /** False when it was paused already. */
  pause(jobType: JobType, by: string, now?: Date): Promise<boolean>;
  /** False when it was not paused. */
  resume(jobType: JobType): Promise<boolean>;
}

export class SqlJobTypePauseStore implements JobTypePauseStore {
  constructor(private readonly sql: SqlClient) {}

  async list(): Promise<JobTypePause[]> {
    const rows = await this.sql.query<{ job_type: string; paused_at: string; paused_by: string }>(
      'SELECT job_type, paused_at, paused_by FROM paused_job_types ORDER BY job_type',
    );
    return rows
      .filter((row) => isJobType(row.job_type))
      .map((row) => ({ jobType: row.job_type as JobType, pausedAt: row.paused_at, pausedBy: row.paused_by }));
  }

  async isPaused(jobType: string): Promise<boolean> {
    const rows = await this.sql.query('SELECT 1 FROM paused_job_types WHERE job_type = ?', [jobType]);
    return rows.length > 0;
  }

  async pause(jobType: JobType, by: string, now: Date = new Date()): Promise<boolean> {
    const inserted = await this.sql.execute(
      `INSERT INTO paused_job_types (job_type, paused_at, paused_by) VALUES (?, ?, ?)
       ON CONFLICT (job_type) DO NOTHING`,
      [jobType, now.toISOString(), by],
    );
    return inserted === 1;
  }

  async resume(jobType: JobType): Promise<boolean> {
    return (await this.sql.execute('DELETE FROM paused_job_types WHERE job_type = ?', [jobType])) === 1;
  }
}
