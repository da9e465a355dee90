import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Database } from '../db/database';
import type { BlobStore } from './blob-store';

export { FileTooLargeError } from './metered-stream';

export interface StoredFile {
  fileId: string;
  size: number;
  sha256: string;
  contentType: string;
  originalName: string | null;
  createdAt: string;
}

// Ids are UUIDs we generate; anything else is refused before it comes near a path.
const FILE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isValidFileId(fileId: string): boolean {
  return FILE_ID_PATTERN.test(fileId);
}

interface StoredFileRow {
  id: string;
  size: number;
  sha256: string;
  content_type: string;
  original_name: string | null;
  created_at: string;
}

function fromRow(row: StoredFileRow): StoredFile {
  return {
    fileId: row.id,
    size: row.size,
    sha256: row.sha256,
    contentType: row.content_type,
    originalName: row.original_name,
    createdAt: row.created_at,
  };
}

/** Uploaded files: their bytes in a blob store under the file id, their metadata in the database. */
export class FileStore {
  constructor(
    readonly blobs: BlobStore,
    private readonly db: Database,
  ) {}

  /** Streams the body into the blob store (never holding it in memory), hashing it on the way. */
  async save(
    body: Readable,
    details: { contentType: string; originalName?: string; limitBytes: number },
  ): Promise<StoredFile> {
    const fileId = randomUUID();
    const { size, sha256 } = await this.blobs.write(fileId, body, details.limitBytes);
    const stored: StoredFile = {
      fileId,
      size,
      sha256,
      contentType: details.contentType,
      originalName: details.originalName ?? null,
      createdAt: new Date().toISOString(),
    };
    this.db
      .prepare(
        `INSERT INTO stored_files (id, size, sha256, content_type, original_name, created_at)
         VALUES (@fileId, @size, @sha256, @contentType, @originalName, @createdAt)`,
      )
      .run(stored);
    return stored;
  }

  async remove(fileId: string): Promise<void> {
    if (!isValidFileId(fileId)) throw new Error(`Invalid file id: ${fileId}`);
    await this.blobs.remove(fileId);
    this.db.prepare('DELETE FROM stored_files WHERE id = ?').run(fileId);
  }

  get(fileId: string): StoredFile | undefined {
    if (!isValidFileId(fileId)) return undefined;
    const row = this.db.prepare('SELECT * FROM stored_files WHERE id = ?').get(fileId) as
      StoredFileRow | undefined;
    return row ? fromRow(row) : undefined;
  }
}
