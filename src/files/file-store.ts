import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StoredFile, StoredFileRepository } from './stored-file-repository';

export type { StoredFile } from './stored-file-repository';

export class FileTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`File is larger than the limit of ${limitBytes} bytes`);
    this.name = 'FileTooLargeError';
  }
}

// Ids are UUIDs we generate; anything else is refused before it comes near a path.
const FILE_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isValidFileId(fileId: string): boolean {
  return FILE_ID_PATTERN.test(fileId);
}

/** Hashes and counts bytes as they pass, and stops the stream once it exceeds the limit. */
class MeteredStream extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly limitBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limitBytes) {
      callback(new FileTooLargeError(this.limitBytes));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Uploaded files on disk under one folder, with their metadata in the service's database. */
export class FileStore {
  constructor(
    readonly directory: string,
    private readonly metadata: StoredFileRepository,
  ) {
    fs.mkdirSync(directory, { recursive: true });
  }

  pathFor(fileId: string): string {
    if (!isValidFileId(fileId)) throw new Error(`Invalid file id: ${fileId}`);
    return path.join(this.directory, fileId);
  }

  /** Streams the body to disk (never holding it in memory), hashing it on the way. */
  async save(
    body: Readable,
    details: { contentType: string; originalName?: string; limitBytes: number },
  ): Promise<StoredFile> {
    const fileId = randomUUID();
    const finalPath = this.pathFor(fileId);
    const partialPath = `${finalPath}.partial`;
    const meter = new MeteredStream(details.limitBytes);
    try {
      await pipeline(body, meter, fs.createWriteStream(partialPath, { flags: 'wx' }));
      fs.renameSync(partialPath, finalPath);
    } catch (error) {
      fs.rmSync(partialPath, { force: true });
      throw error;
    }
    const stored: StoredFile = {
      fileId,
      size: meter.bytes,
      sha256: meter.digest(),
      contentType: details.contentType,
      originalName: details.originalName ?? null,
      createdAt: new Date().toISOString(),
    };
    try {
      await this.metadata.insert(stored);
    } catch (error) {
      fs.rmSync(finalPath, { force: true });
      throw error;
    }
    return stored;
  }

  async remove(fileId: string): Promise<void> {
    fs.rmSync(this.pathFor(fileId), { force: true });
    await this.metadata.delete(fileId);
  }

  async get(fileId: string): Promise<StoredFile | undefined> {
    if (!isValidFileId(fileId)) return undefined;
    return this.metadata.get(fileId);
  }
}
