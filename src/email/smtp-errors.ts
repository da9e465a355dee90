// Which SMTP failures are worth retrying. A 4xx reply or a broken connection is the server asking
// us to come back later; a 5xx reply is a verdict that a retry would only repeat.
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../contracts';

/** The fields nodemailer puts on its errors. */
interface SmtpErrorFields {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

// Errors nodemailer raises about the message itself, before any server reply: retrying cannot fix them.
const MESSAGE_PROBLEMS = new Set(['EENVELOPE', 'EMESSAGE', 'ESTREAM']);

export function describeSmtpError(error: unknown): string {
  const fields = (error ?? {}) as SmtpErrorFields;
  const message = error instanceof Error ? error.message : String(error);
  if (fields.response && !message.includes(fields.response)) return `${fields.response} (${message})`;
  return message;
}

/** Turns a delivery error into the `ApplicationFailure` that tells Temporal whether to retry. */
export function classifySmtpError(error: unknown): ApplicationFailure {
  const fields = (error ?? {}) as SmtpErrorFields;
  const description = describeSmtpError(error);
  const cause = error instanceof Error ? error : undefined;
  const reply = fields.responseCode;
  if (reply !== undefined && reply >= 500) {
    return ApplicationFailure.create({
      message: `SMTP server refused the message: ${description}`,
      type: ErrorType.smtpPermanent,
      nonRetryable: true,
      details: [{ responseCode: reply, command: fields.command ?? null }],
      cause,
    });
  }
  if (reply === undefined && fields.code !== undefined && MESSAGE_PROBLEMS.has(fields.code)) {
    return ApplicationFailure.create({
      message: `Message cannot be sent: ${description}`,
      type: ErrorType.smtpPermanent,
      nonRetryable: true,
      cause,
    });
  }
  // 4xx replies and connection failures (ECONNREFUSED, ETIMEDOUT, ECONNRESET, DNS, TLS...).
  return ApplicationFailure.create({
    message: `SMTP delivery failed temporarily: ${description}`,
    type: ErrorType.smtpTransient,
    nonRetryable: false,
    details: [{ responseCode: reply ?? null, code: fields.code ?? null }],
    cause,
  });
}
