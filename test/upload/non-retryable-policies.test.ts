// Each retry policy refuses, on its own, to retry the error types it declares non-retryable: an
// attempt that throws one of them as retryable (a careless activity) still gets no second attempt.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { JobActivities } from '../../src/activities';
import { useUploadSuite } from '../helpers/jobs-harness';

type ActivityName = 'analyseFile' | 'notifyWebhook' | 'renderEmail' | 'deliverEmail';

interface Plan {
  activity: ActivityName;
  type: string;
  /** Only calls whose arguments or workflow id mention it throw: a file id, or an e-mail job. */
  marker: string;
}

class RetryableThrower {
  plan?: Plan;

  wrap = (activities: JobActivities): JobActivities => {
    const wrapped: Record<string, (...args: never[]) => Promise<unknown>> = { ...activities };
    for (const name of ['analyseFile', 'notifyWebhook', 'renderEmail', 'deliverEmail']) {
      const real = wrapped[name]!;
      wrapped[name] = async (...args) => {
        const plan = this.plan;
        const workflowId = Context.current().info.workflowExecution?.workflowId ?? '';
        if (plan?.activity === name && `${JSON.stringify(args)} ${workflowId}`.includes(plan.marker))
          throw ApplicationFailure.retryable(`${plan.type} thrown retryable`, plan.type);
        return real(...args);
      };
    }
    return wrapped as JobActivities;
  };
}

describe('retry policies: declared non-retryable error types are never retried', () => {
  const thrower = new RetryableThrower();
  const suite = useUploadSuite({ wrapActivities: thrower.wrap });

  it.each([
    ['analyseFile', 'FileNotFound'],
    ['analyseFile', 'UnsupportedFile'],
    ['notifyWebhook', 'WebhookRejected'],
    ['notifyWebhook', 'WebhookDestinationRefused'],
  ] as const)('%s: %s', async (activity, type) => {
    const { fileId } = await suite.harness.uploadFile(`${activity} ${type}`, 'text/plain');
    thrower.plan = { activity, type, marker: fileId };
    const jobId = await suite.harness.startProcessing({ fileId, notifyUrl: suite.receiver.url });
    await suite.harness.waitForJob(jobId);

    const status = await suite.harness.status(jobId);
    expect(status.state).toBe('dead_lettered');
    expect(status.error).toContain(`${type} thrown retryable`);
    expect(status.attempts).toBe(1);
  });

  // deliverEmail renders the request itself (renderEmail serves only runs started before that).
  it.each([
    ['deliverEmail', 'TemplateError'],
    ['deliverEmail', 'SmtpPermanentFailure'],
  ] as const)('sendEmail, %s: %s', async (activity, type) => {
    const to = `${type.toLowerCase()}@example.com`;
    const { fileId } = await suite.harness.uploadFile(`${activity} ${type}`, 'text/plain');
    // One e-mail job at a time runs in this file: its workflow id ends in "-email".
    thrower.plan = { activity, type, marker: '-email' };
    const jobId = await suite.harness.startProcessing({ fileId, notifyEmail: to });
    await suite.harness.waitForJob(jobId);

    const email = await suite.harness.status(`${jobId}-email`);
    expect(email.state).toBe('dead_lettered');
    expect(email.error).toContain(`${type} thrown retryable`);
    expect(email.attempts).toBe(1);
  });
});
