import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { BlobStore } from './blob-store';
import type { StoredFile, StoredFileRepository } from './stored-file-repository';

export { FileTooLargeError } from './metered-stream';
export type { StoredFile } from './stored-file-repository';

// Ids are UUIDs we generate; anything else is refused before it comes near a path or a key.
const FILE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isValidFileId(fileId: string): boolean {
  return FILE_ID_PATTERN.test(fileId);
}

/** Uploaded files: their bytes in a blob store under the file id, their metadata in a repository. */
export class FileStore {
  constructor(
    readonly blobs: BlobStore,
    readonly metadata: StoredFileRepository,
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
    try {
      await this.metadata.insert(stored);
    } catch (error) {
      await this.blobs.remove(fileId);
      throw error;
    }
    return stored;
  }

  async remove(fileId: string): Promise<void> {
    if (!isValidFileId(fileId)) throw new Error(`Invalid file id: ${fileId}`);
    await this.blobs.remove(fileId);
    await this.metadata.delete(fileId);
  }

  /** Records that a job uses the file, so that retention keeps it until the job is over. */
  async linkJob(fileId: string, jobId: string): Promise<void> {
    if (isValidFileId(fileId)) await this.metadata.linkJob(fileId, jobId);
  }

  async get(fileId: string): Promise<StoredFile | undefined> {
    if (!isValidFileId(fileId)) return undefined;
    return this.metadata.get(fileId);
  }
}
