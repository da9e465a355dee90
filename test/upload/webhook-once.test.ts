// One webhook per job, however often notifyWebhook is retried: an attempt that delivered and then
// failed (a worker crash, a lost completion) must not make the next attempt deliver again.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { JobActivities } from '../../src/activities';
import { useUploadSuite } from '../helpers/jobs-harness';

/** Lets the real notifyWebhook deliver, then fails its first attempt for one chosen URL. */
class FailAfterDelivery {
  url?: string;
  readonly outcomes: Array<{ attempt: number; alreadyDelivered: boolean }> = [];

  wrap = (activities: JobActivities): JobActivities => ({
    ...activities,
    notifyWebhook: async (input) => {
      const outcome = await activities.notifyWebhook(input);
      if (input.url !== this.url) return outcome;
      const { attempt } = Context.current().info;
      this.outcomes.push({ attempt, alreadyDelivered: outcome.alreadyDelivered });
      if (attempt === 1) throw ApplicationFailure.retryable('lost after delivery', 'LostCompletion');
      return outcome;
    },
  });
}

describe('processUpload: one webhook per job across attempts', () => {
  const failAfterDelivery = new FailAfterDelivery();
  const suite = useUploadSuite({ wrapActivities: failAfterDelivery.wrap });

  it('delivers once when the attempt that delivered fails afterwards and is retried', async () => {
    suite.receiver.answer([], 200);
    const { fileId } = await suite.harness.uploadFile('deliver me once', 'text/plain');
    failAfterDelivery.url = `${suite.receiver.url}?case=fail-after-delivery`;
    const jobId = await suite.harness.startProcessing({ fileId, notifyUrl: failAfterDelivery.url });
    await suite.harness.waitForJob(jobId);

    const status = await suite.harness.status(jobId);
    expect(status.state).toBe('completed');
    expect(status.attempts).toBe(2);
    expect(suite.receiver.deliveriesFor(jobId)).toHaveLength(1);
    expect(failAfterDelivery.outcomes).toEqual([
      { attempt: 1, alreadyDelivered: false },
      { attempt: 2, alreadyDelivered: true },
    ]);
    expect(status.result).toMatchObject({ notified: { webhook: true } });
  });
});
