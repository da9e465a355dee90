import { optionalTsToMs } from '@temporalio/common/lib/time';
import { useUploadSuite } from '../helpers/jobs-harness';

// What the webhook retry policy promises, spelt out rather than read back from the policy itself:
// 6 attempts, 2 s doubling between them (capped at 1 min, which these stay under).
const WEBHOOK_ATTEMPTS = 6;
const WEBHOOK_BACKOFFS_MS = [2_000, 4_000, 8_000, 16_000, 32_000];
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

describe('processUpload: retries', () => {
  const suite = useUploadSuite();

  it('succeeds when the webhook fails twice then accepts, with the attempts visible', async () => {
    suite.receiver.answer([503, 503], 200);
    const { fileId } = await suite.harness.uploadFile('retry me', 'text/plain');
    const jobId = await suite.harness.startProcessing({ fileId, notifyUrl: suite.receiver.url });
    await suite.harness.waitForJob(jobId);

    const status = await suite.harness.status(jobId);
    expect(status.state).toBe('completed');
    expect(status.attempts).toBe(3);
    expect(suite.receiver.deliveriesFor(jobId)).toHaveLength(3);
  });

  it('gives up after exactly the declared attempts, having waited the declared backoff', async () => {
    suite.receiver.answer([], 503);
    const { fileId } = await suite.harness.uploadFile('never delivered', 'text/plain');
    const jobId = await suite.harness.startProcessing({ fileId, notifyUrl: suite.receiver.url });
    await suite.harness.waitForJob(jobId);

    const status = await suite.harness.status(jobId);
    expect(status.state).not.toBe('completed');
    expect(status.attempts).toBe(WEBHOOK_ATTEMPTS);
    expect(suite.receiver.deliveriesFor(jobId)).toHaveLength(WEBHOOK_ATTEMPTS);
    expect(status.error).toContain('answered 503');

    const events = await suite.harness.history(jobId);
    const scheduled = events.find(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'notifyWebhook',
    );
    const closed = events.find((event) => event.activityTaskFailedEventAttributes);
    const waitedMs = optionalTsToMs(closed!.eventTime)! - optionalTsToMs(scheduled!.eventTime)!;
    expect(waitedMs).toBeGreaterThanOrEqual(sum(WEBHOOK_BACKOFFS_MS));
    // A seventh attempt would have waited another 60 s first.
    expect(waitedMs).toBeLessThan(sum(WEBHOOK_BACKOFFS_MS) + 60_000);
  });
});
