import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { SmtpTransporter } from '../email/transport';

import { ErrorType } from '../contracts';
import type { DeliverEmailInput, EmailActivities, EmailDelivery, SendEmailInput } from '../email/contracts';
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

export function createEmailActivities(dependencies: EmailActivityDependencies): EmailActivities {
  let transport: SmtpTransporter | undefined;
  const transportForDelivery = () => (transport ??= dependencies.createTransport());

  return {
    async renderEmail(input: SendEmailInput) {
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
    },

    async deliverEmail({ to, email }: DeliverEmailInput): Promise<EmailDelivery> {
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
