import { useUploadSuite } from '../helpers/jobs-harness';
import { createLocalEnv } from '../helpers/temporal-env';

// On the real dev server, not the time-skipping one: only the real server tells a pending
// activity that waits for its next attempt (SCHEDULED) from one that is running (STARTED).
// The first backoff (2 s) is therefore really waited here.
describe('processUpload: the retrying state', () => {
  const suite = useUploadSuite({ createEnv: createLocalEnv });

  it('shows the job as retrying, with the last error, while an activity waits for its next attempt', async () => {
    suite.receiver.answer([], 503);
    const { fileId } = await suite.harness.uploadFile('watch me retry', 'text/plain');
    const jobId = await suite.harness.startProcessing({ fileId, notifyUrl: suite.receiver.url });

    let status = await suite.harness.status(jobId);
    for (let poll = 0; poll < 100 && status.state !== 'retrying'; poll += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = await suite.harness.status(jobId);
    }
    expect(status).toMatchObject({ state: 'retrying', stage: 'notifying', progress: 90 });
    expect(status.error).toContain('answered 503');

    suite.receiver.answer([], 200);
    await suite.harness.waitForJob(jobId);
    const finished = await suite.harness.status(jobId);
    expect(finished.state).toBe('completed');
    expect(finished.attempts).toBeGreaterThanOrEqual(2);
    // Every attempt reached the receiver: the 503s, then the one it accepted.
    expect(suite.receiver.deliveriesFor(jobId)).toHaveLength(finished.attempts);
  });
});
