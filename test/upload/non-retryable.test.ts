import fs from 'node:fs';
import { JobsHarness } from '../helpers/jobs-harness';
import { WebhookReceiver } from '../helpers/webhook-receiver';

describe('processUpload: failures that retrying cannot fix', () => {
  let harness: JobsHarness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    harness = await JobsHarness.start();
    receiver = await new WebhookReceiver().start();
  });

  afterAll(async () => {
    await receiver?.stop();
    await harness?.stop();
  });

  const pathOf = (fileId: string) => harness.testApp.services.files.pathFor(fileId);

  it('stops at once when the stored file changed after intake (checksum mismatch)', async () => {
    const { fileId } = await harness.uploadFile('original content', 'text/plain');
    fs.writeFileSync(pathOf(fileId), 'tampered content');
    const jobId = await harness.startProcessing({ fileId, notifyUrl: receiver.url });
    await harness.waitForJob(jobId);

    const status = await harness.status(jobId);
    expect(status.state).not.toBe('completed');
    expect(status.attempts).toBe(1);
    expect(status.error).toContain('Checksum mismatch');
    expect(receiver.received).toHaveLength(0);
  });

  it('stops at once when the stored file has disappeared', async () => {
    const { fileId } = await harness.uploadFile('soon gone', 'text/plain');
    fs.rmSync(pathOf(fileId));
    const jobId = await harness.startProcessing({ fileId });
    await harness.waitForJob(jobId);

    const status = await harness.status(jobId);
    expect(status.attempts).toBe(1);
    expect(status.error).toContain(`File ${fileId} not found`);
  });

  it('stops at once when the content claims to be an image but cannot be read as one', async () => {
    const brokenPng = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('not a header')]);
    const { fileId } = await harness.uploadFile(brokenPng, 'image/png');
    const jobId = await harness.startProcessing({ fileId });
    await harness.waitForJob(jobId);

    const status = await harness.status(jobId);
    expect(status.attempts).toBe(1);
    expect(status.error).toContain('image/png');
  });

  it('does not retry a webhook the receiver rejects with a 4xx', async () => {
    receiver.answer([], 410);
    const { fileId } = await harness.uploadFile('rejected hook', 'text/plain');
    const jobId = await harness.startProcessing({ fileId, notifyUrl: receiver.url });
    await harness.waitForJob(jobId);

    const status = await harness.status(jobId);
    expect(status.attempts).toBe(1);
    expect(status.error).toContain('answered 410');
    expect(receiver.received).toHaveLength(1);
  });
});
