import type { SqlClient } from '../db/sql-client';
import type { ContentAnalysis } from './content-analysis';

export type FileAnalysisStatus = 'complete' | 'incomplete';

/** What one upload job found in a file, or that the job gave up on it. */
export interface FileAnalysisRecord {
  fileId: string;
  jobId: string;
  status: FileAnalysisStatus;
  analysis: ContentAnalysis | null;
  updatedAt: string;
}

export interface FileAnalysisRepository {
  saveComplete(fileId: string, jobId: string, analysis: ContentAnalysis): Promise<void>;
  /** Keeps an analysis already saved but marks it as not to be trusted. */
  markIncomplete(fileId: string, jobId: string): Promise<void>;
  get(fileId: string, jobId: string): Promise<FileAnalysisRecord | undefined>;
  listForFile(fileId: string): Promise<FileAnalysisRecord[]>;
}

interface FileAnalysisRow {
  file_id: string;
  job_id: string;
  status: FileAnalysisStatus;
  analysis: string | null;
  updated_at: string;
}

function fromRow(row: FileAnalysisRow): FileAnalysisRecord {
  return {
    fileId: row.file_id,
    jobId: row.job_id,
    status: row.status,
    analysis: row.analysis === null ? null : (JSON.parse(row.analysis) as ContentAnalysis),
    updatedAt: row.updated_at,
  };
}

export class SqlFileAnalysisRepository implements FileAnalysisRepository {
  constructor(private readonly sql: SqlClient) {}

  async saveComplete(fileId: string, jobId: string, analysis: ContentAnalysis): Promise<void> {
    await this.sql.execute(
      `INSERT INTO file_analyses (file_id, job_id, status, analysis, updated_at)
       VALUES (?, ?, 'complete', ?, ?)
       ON CONFLICT (file_id, job_id) DO UPDATE SET status = excluded.status, analysis = excluded.analysis,
         updated_at = excluded.updated_at`,
      [fileId, jobId, JSON.stringify(analysis), new Date().toISOString()],
    );
  }

  async markIncomplete(fileId: string, jobId: string): Promise<void> {
    await this.sql.execute(
      `INSERT INTO file_analyses (file_id, job_id, status, analysis, updated_at) VALUES (?, ?, 'incomplete', NULL, ?)
       ON CONFLICT (file_id, job_id) DO UPDATE SET status = 'incomplete', updated_at = excluded.updated_at`,
      [fileId, jobId, new Date().toISOString()],
    );
  }

  async get(fileId: string, jobId: string): Promise<FileAnalysisRecord | undefined> {
    const [row] = await this.sql.query<FileAnalysisRow>(
      'SELECT * FROM file_analyses WHERE file_id = ? AND job_id = ?',
      [fileId, jobId],
    );
    return row && fromRow(row);
  }

  async listForFile(fileId: string): Promise<FileAnalysisRecord[]> {
    const rows = await this.sql.query<FileAnalysisRow>(
      'SELECT * FROM file_analyses WHERE file_id = ? ORDER BY updated_at, job_id',
      [fileId],
    );
    return rows.map(fromRow);
  }
}
