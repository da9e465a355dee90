import { patched } from '@temporalio/workflow';
import { ACTIVITY_OPTIONS } from '../contracts';
import type { EmailActivities, SendEmailInput, SendEmailResult } from '../email/contracts';
import { runJob } from './job-lifecycle';
import { proxyJobActivities } from './shutdown-retries';

const { renderEmail, deliverEmail } = proxyJobActivities<EmailActivities>(ACTIVITY_OPTIONS.sendEmail);

/** From this change on, delivery renders the job's request itself: no rendered body in history. */
export const RENDER_IN_DELIVERY_PATCH = 'render-in-delivery';

export async function sendEmail(input: SendEmailInput): Promise<SendEmailResult> {
  return runJob({ type: 'sendEmail', input }, async (progress, version) => {
    if (version.closedByCompletion || patched(RENDER_IN_DELIVERY_PATCH)) {
      progress.report('sending', 50);
      const delivery = await deliverEmail(input);
      return { to: input.to, template: input.template, ...delivery };
    }
    progress.report('rendering', 10);
    const email = await renderEmail(input);
    progress.report('sending', 50);
    const delivery = await deliverEmail({ to: input.to, email });
    return { to: input.to, template: input.template, ...delivery };
  });
}
