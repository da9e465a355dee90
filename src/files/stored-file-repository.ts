import type { SqlClient } from '../db/sql-client';

export interface StoredFile {
  fileId: string;
  size: number;
  sha256: string;
  contentType: string;
  originalName: string | null;
  createdAt: string;
}

/** Metadata of uploaded files; the bytes live elsewhere. */
export interface StoredFileRepository {
  insert(file: StoredFile): Promise<void>;
  get(fileId: string): Promise<StoredFile | undefined>;
  delete(fileId: string): Promise<void>;
}

interface StoredFileRow {
  id: string;
  size: number | string;
  sha256: string;
  content_type: string;
  original_name: string | null;
  created_at: string;
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
    const [row] = await this.sql.query<StoredFileRow>('SELECT * FROM stored_files WHERE id = ?', [fileId]);
    return row && fromRow(row);
  }

  async delete(fileId: string): Promise<void> {
    await this.sql.execute('DELETE FROM stored_files WHERE id = ?', [fileId]);
  }
}
