import { createHash } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { verifyWebhookSignature, DELIVERY_HEADER, SIGNATURE_HEADER } from '../../src/webhooks/signature';
import { USER_AGENT } from '../../src/webhooks/delivery';
import { version } from '../../package.json';
import { useUploadSuite } from '../helpers/jobs-harness';
import { tinyPng } from '../fixtures/files';

const sha256 = (content: Buffer | string) => createHash('sha256').update(content).digest('hex');

describe('processUpload: the success path', () => {
  const suite = useUploadSuite();

  it('analyses a text file and reports the result through GET /jobs/:id', async () => {
    const text = 'hello durable world\nsecond line here\nthird';
    const { fileId } = await suite.harness.uploadFile(text, 'text/plain');
    const jobId = await suite.harness.startProcessing({ fileId });
    await suite.harness.waitForJob(jobId);

    const status = await suite.harness.status(jobId);
    expect(status).toMatchObject({
      jobId,
      type: 'processUpload',
      state: 'completed',
      progress: 100,
      error: null,
    });
    expect(status.result).toMatchObject({
      fileId,
      size: Buffer.byteLength(text),
      sha256: sha256(text),
      mimeType: 'text/plain',
      facts: { kind: 'text', lines: 3, words: 7 },
    });
    expect(status.attempts).toBe(1);
    expect(status.webUiUrl).toContain(`/namespaces/default/workflows/${jobId}/`);
    expect(Date.parse(status.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(status.startedAt!));
  });

  it('detects an image from its content, not its declared type, and reads its dimensions', async () => {
    const png = tinyPng(3, 2);
    const { fileId } = await suite.harness.uploadFile(png, 'application/octet-stream');
    const jobId = await suite.harness.startProcessing({ fileId });
    await suite.harness.waitForJob(jobId);

    const { result } = await suite.harness.status(jobId);
    expect(result).toMatchObject({
      sha256: sha256(png),
      declaredContentType: 'application/octet-stream',
      mimeType: 'image/png',
      facts: { kind: 'image', width: 3, height: 2 },
    });
  });

  it('moves progress through analysing 10 and notifying 90 in the memo, and reads done 100 once completed', async () => {
    const { fileId } = await suite.harness.uploadFile('progress please', 'text/plain');
    const jobId = await suite.harness.startProcessing({ fileId, notifyUrl: suite.receiver.url });
    await suite.harness.waitForJob(jobId);

    const recorded = (await suite.harness.history(jobId))
      .map((event) => event.workflowPropertiesModifiedEventAttributes?.upsertedMemo?.fields?.progress)
      .filter((payload) => payload !== undefined && payload !== null)
      .map((payload) => defaultPayloadConverter.fromPayload<{ stage: string; percent: number }>(payload!));
    expect(recorded.map(({ stage, percent }) => [stage, percent])).toEqual([
      ['analysing', 10],
      ['notifying', 90],
    ]);
    // The completion itself is the record: no upsert after the last step.
    expect(await suite.harness.status(jobId)).toMatchObject({
      state: 'completed',
      stage: 'done',
      progress: 100,
    });
  });

  it('POSTs the result to notifyUrl exactly once, signed with a timestamped HMAC-SHA256 over the body', async () => {
    const before = suite.receiver.received.length;
    const { fileId, sha256: intakeSha } = await suite.harness.uploadFile('notify me', 'text/plain');
    const jobId = await suite.harness.startProcessing({ fileId, notifyUrl: suite.receiver.url });
    await suite.harness.waitForJob(jobId);

    const deliveries = suite.receiver.received.slice(before);
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    const signature = delivery!.headers[SIGNATURE_HEADER] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const secret = suite.harness.testApp.services.webhookSecret;
    expect(verifyWebhookSignature(secret, signature, delivery!.body)).toEqual({ valid: true });
    expect(verifyWebhookSignature('some other secret', signature, delivery!.body)).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(delivery!.headers['user-agent']).toBe(USER_AGENT);
    expect(USER_AGENT).toBe(`durable-jobs/${version}`);
    expect(delivery!.headers[DELIVERY_HEADER]).toBe(jobId);
    expect(JSON.parse(delivery!.body)).toMatchObject({
      event: 'upload.processed',
      jobId,
      result: { sha256: intakeSha },
    });
    expect((await suite.harness.status(jobId)).result).toMatchObject({ notified: { webhook: true } });
  });
});
