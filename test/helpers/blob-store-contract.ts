import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { BlobNotFoundError, type BlobStore } from '../../src/files/blob-store';
import { FileTooLargeError } from '../../src/files/metered-stream';
import { readBlob } from './blobs';

export const MiB = 1024 * 1024;

export interface BlobStoreUnderTest {
  blobs: BlobStore;
  /** Keys of the complete blobs the store holds. */
  keys(): Promise<string[]>;
  /** Anything half-written the store can see: `.partial` files, open multipart uploads. */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
}

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

/** The content as a stream of `chunkBytes` pieces, as a request body arrives. */
export function chunked(content: Buffer, chunkBytes = MiB): Readable {
  const pieces: Buffer[] = [];
  for (let at = 0; at < content.length; at += chunkBytes) pieces.push(content.subarray(at, at + chunkBytes));
  return Readable.from(pieces);
}

function failingAfter(content: Buffer, error: Error): Readable {
  return Readable.from(
    (async function* () {
      yield* chunked(content);
      throw error;
    })(),
  );
}

/**
 * What every blob store must do, run against each one. `start` gives a store whose multipart writes
 * (where it has them) use 5 MiB parts.
 */
export function describeBlobStoreContract(name: string, start: () => Promise<BlobStoreUnderTest>): void {
  describe(`${name}: the blob store contract`, () => {
    let store: BlobStoreUnderTest | undefined;
    const under = () => {
      if (!store) throw new Error('the blob store did not start');
      return store;
    };

    beforeAll(async () => {
      store = await start();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('stores bytes under a key and reads them back, reporting size and sha256', async () => {
      const key = randomUUID();
      const content = randomBytes(100_000);

      const written = await under().blobs.write(key, chunked(content, 16_384), MiB);

      expect(written).toEqual({ size: content.length, sha256: sha256(content) });
      expect(await under().blobs.size(key)).toBe(content.length);
      const opened = await under().blobs.open(key);
      opened.stream.destroy();
      expect(opened.size).toBe(content.length);
      expect((await readBlob(under().blobs, key)).equals(content)).toBe(true);
    });

    it('round-trips 20 MiB written in 5 MiB parts intact', async () => {
      const key = randomUUID();
      const content = randomBytes(20 * MiB);

      const written = await under().blobs.write(key, chunked(content), 21 * MiB);

      expect(written).toEqual({ size: 20 * MiB, sha256: sha256(content) });
      const back = await readBlob(under().blobs, key);
      expect(back.length).toBe(content.length);
      expect(sha256(back)).toBe(sha256(content));
      expect(await under().leftovers()).toEqual([]);
    });

    it('refuses a body over the limit once it passes it, and keeps nothing of it', async () => {
      const key = randomUUID();
      const before = await under().keys();

      const writing = under().blobs.write(key, chunked(randomBytes(12 * MiB)), 11 * MiB);

      await expect(writing).rejects.toBeInstanceOf(FileTooLargeError);
      expect(await under().blobs.size(key)).toBeUndefined();
      expect(await under().keys()).toEqual(before);
      expect(await under().leftovers()).toEqual([]);
    });

    it('keeps nothing of a body whose stream fails half way', async () => {
      const key = randomUUID();
      const before = await under().keys();

      const writing = under().blobs.write(
        key,
        failingAfter(randomBytes(7 * MiB), new Error('client went away')),
        20 * MiB,
      );

      await expect(writing).rejects.toThrow('client went away');
      expect(await under().blobs.size(key)).toBeUndefined();
      expect(await under().keys()).toEqual(before);
      expect(await under().leftovers()).toEqual([]);
    });

    it('reports a missing key as BlobNotFoundError on open and as no size', async () => {
      const key = randomUUID();

      await expect(under().blobs.open(key)).rejects.toBeInstanceOf(BlobNotFoundError);
      expect(await under().blobs.size(key)).toBeUndefined();
    });

    it('removes a blob, and removing it again is no error', async () => {
      const key = randomUUID();
      await under().blobs.write(key, chunked(Buffer.from('short-lived')), MiB);

      await under().blobs.remove(key);
      await under().blobs.remove(key);

      expect(await under().blobs.size(key)).toBeUndefined();
      expect(await under().keys()).not.toContain(key);
    });

    it('lets two sweepers remove the same blob at once, and a key never written, without error', async () => {
      const key = randomUUID();
      await under().blobs.write(key, chunked(Buffer.from('expired')), MiB);

      await Promise.all([under().blobs.remove(key), under().blobs.remove(key)]);
      await under().blobs.remove(randomUUID());

      expect(await under().blobs.size(key)).toBeUndefined();
      expect(await under().keys()).not.toContain(key);
    });
  });
}
