import { optionalTsToMs } from '@temporalio/common/lib/time';
import { RETRY_POLICIES } from '../../src/contracts';
import { useUploadSuite } from '../helpers/jobs-harness';

const seconds = (duration: string) => Number(duration.split(' ')[0]);

/** The sum of the declared backoffs between `attempts` attempts. */
function declaredBackoffMs(attempts: number): number {
  const policy = RETRY_POLICIES.notifyWebhook;
  let total = 0;
  for (let retry = 0; retry < attempts - 1; retry += 1) {
    total += Math.min(seconds(policy.initialInterval) * policy.backoffCoefficient ** retry, 60) * 1000;
  }
  return total;
}

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
    const maximumAttempts = RETRY_POLICIES.notifyWebhook.maximumAttempts;
    expect(status.state).not.toBe('completed');
    expect(status.attempts).toBe(maximumAttempts);
    expect(suite.receiver.deliveriesFor(jobId)).toHaveLength(maximumAttempts);
    expect(status.error).toContain('answered 503');

    const events = await suite.harness.history(jobId);
    const scheduled = events.find(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'notifyWebhook',
    );
    const closed = events.find((event) => event.activityTaskFailedEventAttributes);
    const waitedMs = optionalTsToMs(closed!.eventTime)! - optionalTsToMs(scheduled!.eventTime)!;
    expect(waitedMs).toBeGreaterThanOrEqual(declaredBackoffMs(maximumAttempts));
  });
});
