import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { Config } from '../config';

export type SmtpTransporter = Transporter<SMTPTransport.SentMessageInfo>;

export type SmtpSettings = Pick<Config, 'smtpUrl' | 'devSmtpPort'>;

/** Without SMTP_URL, mail goes to the embedded capturing server on loopback. */
export function smtpUrlOf(settings: SmtpSettings): string {
  return settings.smtpUrl ?? `smtp://127.0.0.1:${settings.devSmtpPort}`;
}

// Bounded so that a silent server fails an attempt (and is retried) well within the activity timeout.
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** nodemailer reads the URL itself: host, port (465 for smtps:, else 587), TLS, credentials, options. */
export function createSmtpTransport(settings: SmtpSettings): SmtpTransporter {
  return nodemailer.createTransport({ url: smtpUrlOf(settings), ...SMTP_TIMEOUTS });
}
