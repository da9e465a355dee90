import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { SmtpTransporter } from '../email/transport';

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
  /** Called once, on the first delivery. */
  createTransport(): SmtpTransporter;
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

/** What to send: rendered here from the job's request, or handed over rendered by older runs. */
function emailToDeliver(input: SendEmailInput | DeliverEmailInput): DeliverEmailInput {
  return 'email' in input ? input : { to: input.to, email: render(input) };
}

export function createEmailActivities(dependencies: EmailActivityDependencies): EmailActivities {
  let transport: SmtpTransporter | undefined;
  const transportForDelivery = () => (transport ??= dependencies.createTransport());

  return {
    async renderEmail(input: SendEmailInput) {
      return render(input);
    },

    async deliverEmail(input: SendEmailInput | DeliverEmailInput): Promise<EmailDelivery> {
      const { to, email } = emailToDeliver(input);
      const { info } = Context.current();
      const messageId = messageIdFor(info.workflowExecution?.workflowId ?? info.activityId);
      try {
        const sent = await transportForDelivery().sendMail({
          from: dependencies.mailFrom,
          to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          messageId,
        });
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
