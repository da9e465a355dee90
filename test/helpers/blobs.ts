import { Readable } from 'node:stream';
import type { BlobStore } from '../../src/files/blob-store';
import { LocalBlobStore } from '../../src/files/local-blob-store';

/** All the bytes stored under `key`. */
export async function readBlob(blobs: BlobStore, key: string): Promise<Buffer> {
  const { stream } = await blobs.open(key);
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Replaces the bytes under `key`, as something outside the service might. */
export async function overwriteBlob(blobs: BlobStore, key: string, content: Buffer | string): Promise<void> {
  await blobs.remove(key);
  await blobs.write(key, Readable.from([Buffer.from(content)]), Number.MAX_SAFE_INTEGER);
}

export function localBlobs(blobs: BlobStore): LocalBlobStore {
  if (!(blobs instanceof LocalBlobStore))
    throw new Error(`expected files on local disk, not ${blobs.location}`);
  return blobs;
}
