import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { getJob, postEmail, startEmailHarness, type EmailHarness } from '../helpers/email-harness';

describe('SMTP 550 (mailbox unavailable)', () => {
  let harness: EmailHarness;

  beforeAll(async () => {
    harness = await startEmailHarness({
      replyToRecipient: () => ({ code: 550, message: '5.1.1 Mailbox unavailable' }),
    });
  });

  afterAll(async () => {
    await harness?.teardown();
  });

  it('is not retried: one attempt, then the job is dead-lettered', async () => {
    const jobId = await postEmail(harness.app, {
      to: 'nobody@example.com',
      template: 'welcome',
      params: { name: 'Nobody' },
    });

    const failure = await harness.env.client.workflow
      .getHandle(jobId)
      .result()
      .then(
        () => undefined,
        (error: unknown) => error,
      );

    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const deadLettered = (failure as WorkflowFailedError).cause as ApplicationFailure;
    expect(deadLettered.type).toBe('DeadLettered');
    const activityFailure = deadLettered.cause;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    const cause = (activityFailure as ActivityFailure).cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause.type).toBe('SmtpPermanentFailure');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toContain('550');

    expect(harness.smtp.recipientAttempts).toBe(1);
    expect(harness.smtp.received).toHaveLength(0);
    const job = await getJob(harness.app, jobId);
    expect(job).toMatchObject({ state: 'dead_lettered', attempts: 1 });
    expect(job.error).toContain('550');

    const [entry, ...others] = (await harness.services.deadLetters.list({ limit: 10 })).items;
    expect(others).toHaveLength(0);
    expect(entry).toMatchObject({
      jobId,
      jobType: 'sendEmail',
      failedStep: 'deliverEmail',
      errorType: 'SmtpPermanentFailure',
      attempts: [{ step: 'deliverEmail', attempts: 1, errorType: 'SmtpPermanentFailure' }],
      input: { to: 'nobody@example.com', template: 'welcome' },
    });
  });
});
