import { JobsHarness } from '../helpers/jobs-harness';
import { createLocalEnv } from '../helpers/temporal-env';
import { WebhookReceiver } from '../helpers/webhook-receiver';

// On the real dev server, not the time-skipping one: only the real server tells a pending
// activity that waits for its next attempt (SCHEDULED) from one that is running (STARTED).
// The first backoff (2 s) is therefore really waited here.
describe('processUpload: the retrying state', () => {
  let harness: JobsHarness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    harness = await JobsHarness.start({ createEnv: createLocalEnv });
    receiver = await new WebhookReceiver().start();
  });

  afterAll(async () => {
    await receiver?.stop();
    await harness?.stop();
  });

  it('shows the job as retrying, with the last error, while an activity waits for its next attempt', async () => {
    receiver.answer([], 503);
    const { fileId } = await harness.uploadFile('watch me retry', 'text/plain');
    const jobId = await harness.startProcessing({ fileId, notifyUrl: receiver.url });

    let status = await harness.status(jobId);
    for (let poll = 0; poll < 100 && status.state !== 'retrying'; poll += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = await harness.status(jobId);
    }
    expect(status).toMatchObject({ state: 'retrying', stage: 'notifying', progress: 90 });
    expect(status.error).toContain('answered 503');

    receiver.answer([], 200);
    await harness.waitForJob(jobId);
    const finished = await harness.status(jobId);
    expect(finished.state).toBe('completed');
    expect(finished.attempts).toBeGreaterThanOrEqual(2);
    expect(receiver.deliveriesFor(jobId).at(-1)).toBeDefined();
  });
});
