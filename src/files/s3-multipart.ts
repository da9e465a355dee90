import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';

export interface PartLimits {
  /** Bytes per part; S3's minimum is 5 MiB (but for the last part). */
  partSizeBytes: number;
  /** Parts uploaded at once. */
  queueSize: number;
}

export interface ObjectTarget {
  Bucket: string;
  Key: string;
}

/**
 * Streams one body into one object. Parts are cut into a fixed set of queueSize + 1 buffers that
 * are reused, so memory stays at that whatever the size, and no per-part garbage piles up waiting
 * for the collector. A body that fits one part goes in a single PUT. On any failure (the body's,
 * a part's) the multipart upload is aborted before the error is rethrown: no parts are left behind.
 */
export class MultipartWriter {
  private readonly free: Buffer[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly parts: CompletedPart[] = [];
  private uploadId: string | undefined;
  private nextPartNumber = 1;
  private failure: unknown;
  private filling: Buffer;
  private filled = 0;

  constructor(
    private readonly client: S3Client,
    private readonly target: ObjectTarget,
    private readonly limits: PartLimits,
  ) {
    this.filling = Buffer.allocUnsafeSlow(limits.partSizeBytes);
  }

  async write(body: Readable): Promise<void> {
    try {
      for await (const chunk of body) await this.take(chunk as Buffer);
      await this.finish();
    } catch (error) {
      await this.abort(error);
      throw error;
    }
  }

  private async take(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      const copied = chunk.copy(this.filling, this.filled, offset);
      this.filled += copied;
      offset += copied;
      if (this.filled === this.limits.partSizeBytes) await this.sendFilledPart();
    }
  }

  private async finish(): Promise<void> {
    if (this.uploadId === undefined) {
      await this.client.send(
        new PutObjectCommand({ ...this.target, Body: this.filling.subarray(0, this.filled) }),
      );
      return;
    }
    if (this.filled > 0) await this.sendFilledPart();
    await Promise.all(this.inFlight);
    this.throwIfFailed();
    const parts = [...this.parts].sort((a, b) => a.PartNumber! - b.PartNumber!);
    await this.client.send(
      new CompleteMultipartUploadCommand({
        ...this.target,
        UploadId: this.uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    this.uploadId = undefined;
  }

  private async sendFilledPart(): Promise<void> {
    this.uploadId ??= await this.create();
    while (this.inFlight.size >= this.limits.queueSize) await Promise.race(this.inFlight);
    this.throwIfFailed();
    const buffer = this.filling;
    const partNumber = this.nextPartNumber++;
    const sending: Promise<void> = this.client
      .send(
        new UploadPartCommand({
          ...this.target,
          UploadId: this.uploadId,
          PartNumber: partNumber,
          Body: buffer.subarray(0, this.filled),
          ChecksumAlgorithm: ChecksumAlgorithm.CRC32,
        }),
      )
      .then(
        ({ ETag, ChecksumCRC32 }) => {
          this.parts.push({ PartNumber: partNumber, ETag, ChecksumCRC32 });
          this.free.push(buffer);
        },
        (error: unknown) => {
          this.failure ??= error;
        },
      )
      .finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
    this.filling = this.free.pop() ?? Buffer.allocUnsafeSlow(this.limits.partSizeBytes);
    this.filled = 0;
  }

  private async create(): Promise<string> {
    const created = await this.client.send(
      new CreateMultipartUploadCommand({ ...this.target, ChecksumAlgorithm: ChecksumAlgorithm.CRC32 }),
    );
    if (!created.UploadId) throw new Error(`No upload id for ${this.target.Key}`);
    return created.UploadId;
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private async abort(cause: unknown): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.uploadId === undefined) return;
    try {
      await this.client.send(new AbortMultipartUploadCommand({ ...this.target, UploadId: this.uploadId }));
    } catch (abortError) {
      // The original failure is what the caller must see; the abort's own is kept beside it.
      if (cause instanceof Error && cause.cause === undefined) cause.cause = abortError;
    }
  }
}
