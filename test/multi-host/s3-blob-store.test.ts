import { S3BlobStore } from '../../src/files/s3-blob-store';
import { describeBlobStoreContract, MiB } from '../helpers/blob-store-contract';
import { TestBucket } from '../helpers/s3';

describeBlobStoreContract('S3BlobStore', async () => {
  const bucket = await TestBucket.create('uploads/');
  const blobs = new S3BlobStore(bucket.client, bucket.settings, { partSizeBytes: 5 * MiB, queueSize: 2 });
  return {
    blobs,
    keys: async () => (await bucket.keys()).map((key) => key.replace(/^uploads\//, '')),
    leftovers: async () => (await bucket.openMultipartUploads()).map(({ key }) => key),
    close: () => bucket.destroy(),
  };
});
