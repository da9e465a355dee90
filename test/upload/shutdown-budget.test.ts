// A step interrupted by a worker shutdown is run again without spending the step's failure budget;
// a real failure still spends it. analyseFile's policy allows 4 attempts. The interruptions here are
// the failure the worker reports for an attempt its shutdown cancelled (see worker-shutdown.test.ts).
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { JobActivities } from '../../src/activities';
import { RETRY_POLICIES } from '../../src/contracts';
import { workerShutdownFailure } from '../../src/temporal/worker-shutdown';
import { useUploadSuite } from '../helpers/jobs-harness';

type Outcome = 'interrupted' | 'failed' | 'analysed';

/** What each call of analyseFile does, per file, in order; the calls made are kept. */
const scripts = new Map<string, Outcome[]>();
const calls = new Map<string, Array<{ outcome: Outcome; attempt: number }>>();

function scripted(activities: JobActivities): JobActivities {
  return {
    ...activities,
    analyseFile: async (input) => {
      const script = scripts.get(input.fileId);
      if (!script) return activities.analyseFile(input);
      const made = calls.get(input.fileId) ?? [];
      calls.set(input.fileId, made);
      const outcome = script[made.length] ?? 'analysed';
      const attempt = Context.current().info.attempt;
      made.push({ outcome, attempt });
      if (outcome === 'interrupted') throw workerShutdownFailure(attempt);
      if (outcome === 'failed') throw ApplicationFailure.retryable('disk read error', 'IoError');
      return activities.analyseFile(input);
    },
  };
}

describe('processUpload: worker shutdowns do not spend the failure budget', () => {
  const suite = useUploadSuite({ wrapActivities: scripted });

  async function run(label: string, script: Outcome[]) {
    const { fileId } = await suite.harness.uploadFile(label, 'text/plain');
    scripts.set(fileId, script);
    const jobId = await suite.harness.startProcessing({ fileId, notifyUrl: suite.receiver.url });
    await suite.harness.waitForJob(jobId);
    return { jobId, fileId, status: await suite.harness.status(jobId), made: calls.get(fileId) ?? [] };
  }

  it('completes after three real failures and three interruptions between them', async () => {
    expect(RETRY_POLICIES.analyseFile.maximumAttempts).toBe(4);
    const script: Outcome[] = ['failed', 'interrupted', 'failed', 'interrupted', 'interrupted', 'failed'];
    const { jobId, status, made } = await run('interrupted three times', script);

    expect(status.state).toBe('completed');
    expect(made.map((call) => call.outcome)).toEqual([...script, 'analysed']);
    // The server's attempt count starts again with each re-scheduled step; the real failures carry over.
    expect(made.map((call) => call.attempt)).toEqual([1, 2, 1, 2, 1, 1, 2]);
    expect(suite.receiver.deliveriesFor(jobId)).toHaveLength(1);
    const scheduled = (await suite.harness.history(jobId)).filter(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'analyseFile',
    );
    expect(
      scheduled.map((event) => event.activityTaskScheduledEventAttributes?.retryPolicy?.maximumAttempts),
    ).toEqual([4, 3, 2, 2]);
  });

  it('dead-letters on the fourth real failure, interruptions or not', async () => {
    const script: Outcome[] = [
      'failed',
      'interrupted',
      'failed',
      'failed',
      'interrupted',
      'failed',
      'analysed',
    ];
    const { jobId, fileId, status, made } = await run('fails four times for real', script);

    expect(status.state).toBe('dead_lettered');
    expect(made.map((call) => call.outcome)).toEqual(script.slice(0, 6));
    expect(made.filter((call) => call.outcome === 'failed')).toHaveLength(4);
    expect(suite.receiver.deliveriesFor(jobId)).toHaveLength(0);
    const letters = await suite.harness.testApp.services.deadLetters.list({ limit: 100 });
    const letter = letters.items.find((entry) => entry.jobId === jobId);
    expect(letter).toMatchObject({ failedStep: 'analyseFile', errorType: 'IoError' });
    expect(fileId).toBeDefined();
  });

  it('without interruptions, four real failures dead-letter as before', async () => {
    const { status, made } = await run('fails four times', ['failed', 'failed', 'failed', 'failed']);
    expect(status.state).toBe('dead_lettered');
    expect(made.map((call) => call.attempt)).toEqual([1, 2, 3, 4]);
  });
});
