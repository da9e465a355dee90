import { overwriteBlob } from '../helpers/blobs';
import { useUploadSuite } from '../helpers/jobs-harness';

describe('processUpload: failures that retrying cannot fix', () => {
  const suite = useUploadSuite();

  const blobs = () => suite.harness.testApp.services.blobs;

  it('stops at once when the stored file changed after intake (checksum mismatch)', async () => {
    const { fileId } = await suite.harness.uploadFile('original content', 'text/plain');
    await overwriteBlob(blobs(), fileId, 'tampered content');
    const jobId = await suite.harness.startProcessing({ fileId, notifyUrl: suite.receiver.url });
    await suite.harness.waitForJob(jobId);

    const status = await suite.harness.status(jobId);
    expect(status.state).not.toBe('completed');
    expect(status.attempts).toBe(1);
    expect(status.error).toContain('Checksum mismatch');
    expect(suite.receiver.received).toHaveLength(0);
  });

  it('stops at once when the stored file has disappeared', async () => {
    const { fileId } = await suite.harness.uploadFile('soon gone', 'text/plain');
    await blobs().remove(fileId);
    const jobId = await suite.harness.startProcessing({ fileId });
    await suite.harness.waitForJob(jobId);

    const status = await suite.harness.status(jobId);
    expect(status.attempts).toBe(1);
    expect(status.error).toContain(`File ${fileId} not found`);
  });

  it('stops at once when the content claims to be an image but cannot be read as one', async () => {
    const brokenPng = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('not a header')]);
    const { fileId } = await suite.harness.uploadFile(brokenPng, 'image/png');
    const jobId = await suite.harness.startProcessing({ fileId });
    await suite.harness.waitForJob(jobId);

    const status = await suite.harness.status(jobId);
    expect(status.attempts).toBe(1);
    expect(status.error).toContain('image/png');
  });

  it('does not retry a webhook the suite.receiver rejects with a 4xx', async () => {
    suite.receiver.answer([], 410);
    const { fileId } = await suite.harness.uploadFile('rejected hook', 'text/plain');
    const jobId = await suite.harness.startProcessing({ fileId, notifyUrl: suite.receiver.url });
    await suite.harness.waitForJob(jobId);

    const status = await suite.harness.status(jobId);
    expect(status.attempts).toBe(1);
    expect(status.error).toContain('answered 410');
    expect(suite.receiver.received).toHaveLength(1);
  });
});
