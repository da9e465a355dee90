import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export class FileTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`File is larger than the limit of ${limitBytes} bytes`);
    this.name = 'FileTooLargeError';
  }
}

/** Hashes and counts bytes as they pass, and stops the stream once it exceeds the limit. */
export class MeteredStream extends Transform {
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
