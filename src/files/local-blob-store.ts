import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobNotFoundError, type BlobStore, type OpenedBlob, type WrittenBlob } from './blob-store';
import { ensurePrivateDirectory, PRIVATE_FILE_MODE } from '../private-files';
import { metered } from './metered-stream';

// A key is one plain file name: nothing that could climb out of the folder.
const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const READ_CHUNK_BYTES = 1024 * 1024;

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Blobs as files in one folder on local disk; a write lands under `<key>.partial`, then is renamed. */
export class LocalBlobStore implements BlobStore {
  constructor(readonly directory: string) {
    ensurePrivateDirectory(directory);
  }

  get location(): string {
    return this.directory;
  }

  pathFor(key: string): string {
    if (!SAFE_KEY.test(key)) throw new Error(`Invalid blob key: ${key}`);
    return path.join(this.directory, key);
  }

  async write(key: string, body: Readable, limitBytes: number): Promise<WrittenBlob> {
    const finalPath = this.pathFor(key);
    const partialPath = `${finalPath}.partial`;
    const meter = metered(body, limitBytes);
    try {
      const handle = await fs.promises.open(partialPath, 'wx', PRIVATE_FILE_MODE);
      await handle.chmod(PRIVATE_FILE_MODE).catch(async (error: unknown) => {
        await handle.close();
        throw error;
      });
      await pipeline(meter, handle.createWriteStream());
      await fs.promises.rename(partialPath, finalPath);
    } catch (error) {
      await fs.promises.rm(partialPath, { force: true });
      throw error;
    }
    return { size: meter.bytes, sha256: meter.digest() };
  }

  async open(key: string, options: { signal?: AbortSignal } = {}): Promise<OpenedBlob> {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(this.pathFor(key), 'r');
    } catch (error) {
      if (isMissing(error)) throw new BlobNotFoundError(key);
      throw error;
    }
    try {
      const { size } = await handle.stat();
      const stream = handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES, signal: options.signal });
      return { size, stream };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await fs.promises.stat(this.pathFor(key))).size;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await fs.promises.rm(this.pathFor(key), { force: true });
  }

  close(): void {}
}
