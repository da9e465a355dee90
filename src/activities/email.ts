import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { MailTransport } from '../email/transport';
import type { SideEffectLedger } from '../jobs/side-effects';

import { ErrorType } from '../contracts';
import type {
  DeliverEmailInput,
  EmailActivities,
  EmailDelivery,
  RenderedEmail,
  SendEmailInput,
} from '../email/contracts';
import { messageIdFor } from '../email/message-id';
import { classifySmtpError } from '../email/smtp-errors';
import { EmailRequestError } from '../email/template-params';
import { renderEmailRequest } from '../email/templates';

export interface EmailActivityDependencies {
  mailFrom: string;
  sideEffects: SideEffectLedger;
  /** Shared by every delivery of this worker; the worker closes it when it stops. */
  mail: MailTransport;
}

function addressOf(address: string | { address: string }): string {
  return typeof address === 'string' ? address : address.address;
}

function render(input: SendEmailInput): RenderedEmail {
  try {
    return renderEmailRequest(input);
  } catch (error) {
    if (error instanceof EmailRequestError) {
      throw ApplicationFailure.create({
        message: error.message,
        type: ErrorType.templateError,
        nonRetryable: true,
        details: [{ field: error.field }],
      });
    }
    throw error;
  }
}

/** Often enough for the activity's heartbeat timeout (`ACTIVITY_OPTIONS.sendEmail`) with room to spare. */
const HEARTBEAT_EVERY_MS = 1_000;

/**
 * Heartbeats while `work` runs, so that the server notices within seconds when this worker dies.
 * The first one after a second: a delivery that takes less sends none (each is a write on the
 * server), and the heartbeat timeout counts from the attempt's start all the same.
 */
async function heartbeating<T>(work: Promise<T>): Promise<T> {
  const context = Context.current();
  const timer = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/** What to send: rendered here from the job's request, or handed over rendered by older runs. */
function emailToDeliver(input: SendEmailInput | DeliverEmailInput): DeliverEmailInput {
  return 'email' in input ? input : { to: input.to, email: render(input) };
}

export function createEmailActivities(dependencies: EmailActivityDependencies): EmailActivities {
  return {
    async renderEmail(input: SendEmailInput) {
      return render(input);
    },

    /**
     * Sends once per job, however often the activity is retried: the ledger records the delivery
     * as soon as the server accepted it, so only a death between those two moments sends twice.
     */
    async deliverEmail(input: SendEmailInput | DeliverEmailInput): Promise<EmailDelivery> {
      const { to, email } = emailToDeliver(input);
      const { info } = Context.current();
      const jobId = info.workflowExecution?.workflowId ?? info.activityId;
      const messageId = messageIdFor(jobId);
      const ledgerKey = `email:${jobId}`;
      if (await dependencies.sideEffects.isDone(ledgerKey)) {
        log.info('e-mail already delivered by an earlier attempt', { messageId });
        return {
          messageId,
          accepted: [to],
          response: 'delivered by an earlier attempt',
          alreadyDelivered: true,
        };
      }
      try {
        const sent = await heartbeating(
          dependencies.mail.transporter().sendMail({
            from: dependencies.mailFrom,
            to,
            subject: email.subject,
            text: email.text,
            html: email.html,
            messageId,
          }),
        );
        await dependencies.sideEffects.markDone(ledgerKey, jobId, 'email', sent.response);
        log.info('e-mail delivered', { messageId, response: sent.response });
        return { messageId, accepted: sent.accepted.map(addressOf), response: sent.response };
      } catch (error) {
        const failure = classifySmtpError(error);
        log.warn('e-mail not delivered', {
          messageId,
          errorType: failure.type,
          nonRetryable: failure.nonRetryable,
          reason: failure.message,
        });
        throw failure;
      }
    },
  };
}
