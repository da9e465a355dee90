import { proxyActivities } from '@temporalio/workflow';
import { ACTIVITY_OPTIONS } from '../contracts';
import type { EmailActivities, SendEmailInput, SendEmailResult } from '../email/contracts';
import { runJob } from './job-lifecycle';

const { renderEmail, deliverEmail } = proxyActivities<EmailActivities>(ACTIVITY_OPTIONS.sendEmail);

export async function sendEmail(input: SendEmailInput): Promise<SendEmailResult> {
  return runJob({ type: 'sendEmail', input }, async (progress) => {
    progress.report('rendering', 10);
    const email = await renderEmail(input);
    progress.report('sending', 50);
    const delivery = await deliverEmail({ to: input.to, email });
    return { to: input.to, template: input.template, ...delivery };
  });
}
