// A retention step that fails for good (the object store down for longer than its retries, say)
// must not keep the other steps from running, and the run must fail visibly.
import { Client, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { JobActivities } from '../../src/activities';
import { TASK_QUEUE } from '../../src/contracts';
import { sweepRetention } from '../../src/workflows/sweep-retention';
import { useUploadSuite } from '../helpers/jobs-harness';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The one failure the real local disk cannot be made to give a root process on demand. */
const objectStoreDown = (activities: JobActivities): JobActivities => ({
  ...activities,
  deleteOrphanFiles: async () => {
    throw ApplicationFailure.nonRetryable('object store unreachable', 'ObjectStoreDown');
  },
});

describe('the retention sweep when one step fails', () => {
  const suite = useUploadSuite({ wrapActivities: objectStoreDown });

  it('still redacts dead letters, then fails naming the step, with what the others did', async () => {
    const { harness } = suite;
    const entry = await harness.testApp.services.deadLetters.record(
      {
        jobId: 'email-old',
        runId: 'run-1',
        jobType: 'sendEmail',
        input: { to: 'old@example.com', template: 'welcome', params: { name: 'Old' } },
        errorType: 'SmtpPermanentFailure',
        errorMessage: '550 old@example.com unknown',
        failedStep: 'deliverEmail',
        attempts: [],
        jobStartedAt: null,
      },
      new Date(Date.now() - 40 * DAY_MS),
    );

    const client = new Client({ connection: harness.env.connection });
    const run = client.workflow.execute(sweepRetention, {
      taskQueue: TASK_QUEUE,
      workflowId: 'retention-failing',
    });
    const failure = await run.then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('RetentionIncomplete');
    expect(cause.message).toBe('Retention steps failed: deleteOrphanFiles');
    expect(cause.details?.[0]).toMatchObject({ deadLettersRedacted: 1 });
    expect((await harness.testApp.services.deadLetters.get(entry.id))?.input).toEqual({
      to: '[redacted]',
      template: 'welcome',
      params: '[redacted]',
    });
  });
});
