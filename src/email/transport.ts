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

/**
 * One connection per message. nodemailer reads the URL itself: host, port (465 for smtps:, else
 * 587), TLS, credentials, options.
 */
export function createSmtpTransport(settings: SmtpSettings): SmtpTransporter {
  return nodemailer.createTransport({ url: smtpUrlOf(settings), ...SMTP_TIMEOUTS });
}

/**
 * Up to `maxConnections` connections, kept open and reused message after message: a TCP and SMTP
 * handshake (and a TLS one) per message is most of what a small e-mail costs both sides.
 */
export function createSmtpPool(settings: SmtpSettings, maxConnections: number): SmtpTransporter {
  return nodemailer.createTransport({
    url: smtpUrlOf(settings),
    ...SMTP_TIMEOUTS,
    pool: true,
    maxConnections,
  });
}

/** The worker's mail connections: opened at the first delivery, closed with the services. */
export interface MailTransport {
  transporter(): SmtpTransporter;
  close(): void;
}

export type SmtpPoolSettings = SmtpSettings & Pick<Config, 'smtpMaxConnections'>;

export function lazySmtpPool(settings: SmtpPoolSettings): MailTransport {
  let pool: SmtpTransporter | undefined;
  return {
    transporter: () => (pool ??= createSmtpPool(settings, settings.smtpMaxConnections)),
    close: () => {
      pool?.close();
      pool = undefined;
    },
  };
}
