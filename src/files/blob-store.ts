import type { Readable } from 'node:stream';

/** What writing a blob measured on the way through. */
export interface WrittenBlob {
  size: number;
  sha256: string;
}

export interface OpenedBlob {
  size: number;
  stream: Readable;
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`No stored bytes under ${key}`);
    this.name = 'BlobNotFoundError';
  }
}

/**
 * Where uploaded bytes live, by key. Only the bytes: what they mean is the file store's business.
 * Any failure other than BlobNotFoundError (a full disk, an unreachable object store) may be transient.
 */
export interface BlobStore {
  /** Where the bytes go, for logs and errors. */
  readonly location: string;
  /**
   * Streams `body` under `key`, hashing and counting it, never holding all of it in memory. Over
   * `limitBytes` it fails with FileTooLargeError and keeps nothing of it.
   */
  write(key: string, body: Readable, limitBytes: number): Promise<WrittenBlob>;
  /** The bytes under `key` as a stream; BlobNotFoundError when there are none. */
  open(key: string, options?: { signal?: AbortSignal }): Promise<OpenedBlob>;
  /** The size of the bytes under `key`, undefined when there are none. */
  size(key: string): Promise<number | undefined>;
  /** Removes the bytes under `key`; removing what is not there is not an error. */
  remove(key: string): Promise<void>;
  close(): void;
}
