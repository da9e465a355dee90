import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { BlobNotFoundError, type BlobStore, type OpenedBlob, type WrittenBlob } from './blob-store';
import { metered } from './metered-stream';

export interface S3Settings {
  bucket: string;
  /** For S3-compatible servers; addressed path-style (`<endpoint>/<bucket>/<key>`). */
  endpoint: string | undefined;
  region: string;
  /** Both or neither; neither means the SDK's default credential chain (e.g. an instance role). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Prepended to every key, e.g. `uploads/`. */
  prefix: string;
}

export interface S3UploadLimits {
  /** Bytes buffered per part; S3's minimum is 5 MiB. */
  partSizeBytes: number;
  /** Parts uploaded at once. Memory held by one write is about partSizeBytes × (queueSize + 1). */
  queueSize: number;
}

export const DEFAULT_UPLOAD_LIMITS: S3UploadLimits = { partSizeBytes: 5 * 1024 * 1024, queueSize: 2 };

export function createS3Client(settings: S3Settings): S3Client {
  return new S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: true } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  });
}

function hasStatus(error: unknown, status: number): boolean {
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === status;
}

/** Blobs as objects in one bucket, written by multipart upload so memory stays bounded. */
export class S3BlobStore implements BlobStore {
  constructor(
    private readonly client: S3Client,
    private readonly settings: Pick<S3Settings, 'bucket' | 'prefix'>,
    private readonly limits: S3UploadLimits = DEFAULT_UPLOAD_LIMITS,
  ) {}

  get location(): string {
    return `s3://${this.settings.bucket}/${this.settings.prefix}`;
  }

  objectKey(key: string): string {
    return `${this.settings.prefix}${key}`;
  }

  async write(key: string, body: Readable, limitBytes: number): Promise<WrittenBlob> {
    const meter = metered(body, limitBytes);
    // An error in the stream (over the limit, client gone) fails done() only after lib-storage has
    // aborted the multipart upload, so no parts are left behind.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.settings.bucket, Key: this.objectKey(key), Body: meter },
      partSize: this.limits.partSizeBytes,
      queueSize: this.limits.queueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      meter.destroy();
      throw error;
    }
    return { size: meter.bytes, sha256: meter.digest() };
  }

  async open(key: string, options: { signal?: AbortSignal } = {}): Promise<OpenedBlob> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }),
        { abortSignal: options.signal },
      );
      if (!(response.Body instanceof Readable))
        throw new Error(`Object ${key} came back without a body stream`);
      return { size: response.ContentLength ?? 0, stream: response.Body };
    } catch (error) {
      if (error instanceof S3ServiceException && error.name === 'NoSuchKey') throw new BlobNotFoundError(key);
      throw error;
    }
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }),
      );
      return head.ContentLength ?? 0;
    } catch (error) {
      if (!hasStatus(error, 404)) throw error;
    }
    // HEAD answers a bare 404 for a missing bucket too: that is a misconfiguration, not a missing file.
    await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }));
    return undefined;
  }

  async remove(key: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }),
    );
  }

  close(): void {
    this.client.destroy();
  }
}
