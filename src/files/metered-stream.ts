import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';

export class FileTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`File is larger than the limit of ${limitBytes} bytes`);
    this.name = 'FileTooLargeError';
  }
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

/**
 * `body` piped through a new MeteredStream. A failure (over the limit, a broken store) ends the meter
 * but never destroys `body`: the caller can still drain it and answer on the same connection.
 */
export function metered(body: Readable, limitBytes: number): MeteredStream {
  const meter = new MeteredStream(limitBytes);
  const forward = (error: Error) => meter.destroy(error);
  body.once('error', forward);
  meter.once('close', () => {
    body.off('error', forward);
    body.unpipe(meter);
  });
  return body.pipe(meter);
}
