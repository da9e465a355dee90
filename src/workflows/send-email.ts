import { proxyActivities } from '@temporalio/workflow';
import { RETRY_POLICIES } from '../contracts';
import type { EmailActivities, SendEmailInput, SendEmailResult } from '../email/contracts';
import { runJob } from './job-lifecycle';

const { renderEmail, deliverEmail } = proxyActivities<EmailActivities>({
  // Above the SMTP transport's own timeouts, so a hung server fails the attempt, not the activity.
  startToCloseTimeout: '2 minutes',
  retry: RETRY_POLICIES.sendEmail,
});

export async function sendEmail(input: SendEmailInput): Promise<SendEmailResult> {
  return runJob({ type: 'sendEmail', input }, async (progress) => {
    progress.report('rendering', 10);
    const email = await renderEmail(input);
    progress.report('sending', 50);
    const delivery = await deliverEmail({ to: input.to, email });
    return { to: input.to, template: input.template, ...delivery };
  });
}
