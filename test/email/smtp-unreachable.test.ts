import { WorkflowFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { getJob, postEmail, startEmailHarness, type EmailHarness } from '../helpers/email-harness';
import { closedPort } from '../helpers/ports';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function eventTimeMs(event: HistoryEvent | undefined): number {
  const time = event?.eventTime;
  return Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);
}

// The declared policy: 2 s, doubling, capped at 1 min, 5 attempts: waits of 2 + 4 + 8 + 16 s.
const BACKOFF_BEFORE_LAST_ATTEMPT_MS = 30_000;
const NEXT_BACKOFF_MS = 32_000;

describe('SMTP server unreachable', () => {
  let harness: EmailHarness;

  beforeAll(async () => {
    harness = await startEmailHarness({ smtpUrl: `smtp://127.0.0.1:${await closedPort()}` });
  });

  afterAll(async () => {
    await harness?.teardown();
  });

  it('retries with the declared backoff, gives up after exactly 5 attempts and dead-letters the job', async () => {
    const wallStart = performance.now();
    const jobId = await postEmail(harness.app, {
      to: 'ann@example.com',
      template: 'welcome',
      params: { name: 'Ann' },
    });
    const handle = harness.env.client.workflow.getHandle(jobId);

    const failure = await handle.result().then(
      () => undefined,
      (error: unknown) => error,
    );
    const wallElapsedMs = performance.now() - wallStart;

    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = events.find(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'deliverEmail',
    );
    const ofDelivery = (event: HistoryEvent) =>
      String(
        (event.activityTaskStartedEventAttributes ?? event.activityTaskFailedEventAttributes)
          ?.scheduledEventId,
      ) === String(scheduled?.eventId);
    const failed = events.find((event) => event.activityTaskFailedEventAttributes && ofDelivery(event));
    const deliveryStarted = events.find(
      (event) => event.activityTaskStartedEventAttributes && ofDelivery(event),
    );
    expect(deliveryStarted?.activityTaskStartedEventAttributes?.attempt).toBe(5);
    expect(failed?.activityTaskFailedEventAttributes?.retryState).toBe(
      temporal.api.enums.v1.RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED,
    );
    expect(failed?.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo?.type).toBe(
      'SmtpTransientFailure',
    );
    expect(failed?.activityTaskFailedEventAttributes?.failure?.message).toContain('ECONNREFUSED');

    // Workflow time (skipped) covers the whole backoff; wall time does not.
    const skippedMs = eventTimeMs(failed) - eventTimeMs(scheduled);
    expect(skippedMs).toBeGreaterThanOrEqual(BACKOFF_BEFORE_LAST_ATTEMPT_MS);
    expect(skippedMs).toBeLessThan(BACKOFF_BEFORE_LAST_ATTEMPT_MS + NEXT_BACKOFF_MS);
    expect(wallElapsedMs).toBeLessThan(BACKOFF_BEFORE_LAST_ATTEMPT_MS);

    const job = await getJob(harness.app, jobId);
    expect(job).toMatchObject({ state: 'dead_lettered', attempts: 5 });
    expect(job.error).toContain('ECONNREFUSED');

    const { items } = await harness.services.deadLetters.list({ jobType: 'sendEmail', limit: 10 });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      jobId,
      errorType: 'SmtpTransientFailure',
      attempts: [{ step: 'deliverEmail', attempts: 5, errorType: 'SmtpTransientFailure' }],
    });
  });
});
