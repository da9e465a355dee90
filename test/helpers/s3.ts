import { randomUUID } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createS3Client, type S3Settings } from '../../src/files/s3-blob-store';

const VARIABLES = ['TEST_S3_ENDPOINT', 'TEST_S3_ACCESS_KEY', 'TEST_S3_SECRET_KEY'] as const;

/** The S3-compatible server the multi-host suite provides; fails clearly without it. */
export function testS3Settings(bucket: string): S3Settings {
  const missing = VARIABLES.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} not set: this test needs an S3-compatible server. Run it with \`npm run test:multi-host\`.`,
    );
  }
  return {
    bucket,
    endpoint: process.env.TEST_S3_ENDPOINT!,
    region: 'us-east-1',
    credentials: {
      accessKeyId: process.env.TEST_S3_ACCESS_KEY!,
      secretAccessKey: process.env.TEST_S3_SECRET_KEY!,
    },
    prefix: '',
  };
}

/** A fresh, empty bucket for one test file, with what the tests need to look into it. */
export class TestBucket {
  private constructor(
    readonly settings: S3Settings,
    readonly client: S3Client,
  ) {}

  static async create(prefix = ''): Promise<TestBucket> {
    const settings = { ...testS3Settings(`durable-jobs-test-${randomUUID().slice(0, 8)}`), prefix };
    const client = createS3Client(settings);
    await client.send(new CreateBucketCommand({ Bucket: settings.bucket }));
    return new TestBucket(settings, client);
  }

  get name(): string {
    return this.settings.bucket;
  }

  async keys(): Promise<string[]> {
    const listed = await this.client.send(new ListObjectsV2Command({ Bucket: this.name }));
    return (listed.Contents ?? []).map((object) => object.Key!).sort();
  }

  async openMultipartUploads(): Promise<{ key: string; uploadId: string }[]> {
    const listed = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.name }));
    return (listed.Uploads ?? []).map((upload) => ({ key: upload.Key!, uploadId: upload.UploadId! }));
  }

  /** Empties the bucket (objects and unfinished uploads) and deletes it. */
  async destroy(): Promise<void> {
    for (const { key, uploadId } of await this.openMultipartUploads()) {
      await this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.name, Key: key, UploadId: uploadId }),
      );
    }
    for (const key of await this.keys()) {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.name, Key: key }));
    }
    await this.client.send(new DeleteBucketCommand({ Bucket: this.name }));
    this.client.destroy();
  }
}
