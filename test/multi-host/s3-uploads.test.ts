import fs from 'node:fs';
import path from 'node:path';
import { TestBucket } from '../helpers/s3';
import { uploadStoreContract } from '../helpers/upload-store-contract';

function filesUnder(directory: string): string[] {
  return fs
    .readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)));
}

describe('uploads with files in an S3 bucket (S3_BUCKET)', () => {
  let bucket: TestBucket | undefined;
  const suite = uploadStoreContract(async () => {
    bucket = await TestBucket.create();
    return {
      config: { objectStore: bucket.settings },
      keys: () => bucket!.keys(),
      leftovers: async () => (await bucket!.openMultipartUploads()).map(({ key }) => key),
      close: () => bucket!.destroy(),
    };
  });

  it('keeps nothing of an uploaded or analysed file on local disk', async () => {
    const size = 6 * 1024 * 1024;
    const { fileId } = await suite.harness.uploadFile(Buffer.alloc(size, 7));
    const jobId = await suite.harness.startProcessing({ fileId });
    await suite.harness.waitForJob(jobId);

    expect((await suite.harness.status(jobId)).state).toBe('completed');
    const dataDir = suite.harness.testApp.config.dataDir;
    expect(fs.existsSync(path.join(dataDir, 'files'))).toBe(false);
    // The database and the webhook secret live there; nothing as large as the upload does.
    const large = filesUnder(dataDir).filter((name) => fs.statSync(path.join(dataDir, name)).size >= size);
    expect(large).toEqual([]);
  });
});
