import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { BlobNotFoundError, type BlobStore, type OpenedBlob, type WrittenBlob } from './blob-store';
import { metered } from './metered-stream';
import { MultipartWriter, type PartLimits } from './s3-multipart';

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

/**
 * The smallest part S3 takes, one part sending while the next fills: an upload holds two parts
 * (10 MiB) of buffers whatever its size, which `npm run bench` measures.
 */
export const DEFAULT_PART_LIMITS: PartLimits = { partSizeBytes: 5 * 1024 * 1024, queueSize: 1 };

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
    private readonly limits: PartLimits = DEFAULT_PART_LIMITS,
  ) {}

  get location(): string {
    return `s3://${this.settings.bucket}/${this.settings.prefix}`;
  }

  objectKey(key: string): string {
    return `${this.settings.prefix}${key}`;
  }

  async write(key: string, body: Readable, limitBytes: number): Promise<WrittenBlob> {
    const meter = metered(body, limitBytes);
    const target = { Bucket: this.settings.bucket, Key: this.objectKey(key) };
    await new MultipartWriter(this.client, target, this.limits).write(meter);
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
