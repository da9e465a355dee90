import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpReply {
  code: number;
  message: string;
}

export interface ReceivedMail {
  raw: string;
  parsed: ParsedMail;
  recipients: string[];
}

export interface TestSmtpServerOptions {
  /** Answer to the n-th DATA command (1-based); undefined accepts the message. */
  replyToData?: (attempt: number) => SmtpReply | undefined;
  /** Answer to the n-th RCPT TO command (1-based) for `address`; undefined accepts the recipient. */
  replyToRecipient?: (attempt: number, address: string) => SmtpReply | undefined;
  /**
   * Holds the reply to the n-th DATA (1-based) until the promise settles, the whole message
   * received. A message whose client hung up meanwhile is dropped (as `abandoned`): it was never
   * acknowledged, so it is not committed either.
   */
  holdData?: (attempt: number) => Promise<void> | undefined;
}

function smtpError(reply: SmtpReply): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

/** A real SMTP server on a free loopback port that records what it accepts and can refuse on cue. */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  /** The Message-ID of every message offered, accepted or not. */
  readonly offeredMessageIds: string[] = [];
  /** Message-IDs of held messages whose client was gone when the hold ended. */
  readonly abandonedMessageIds: string[] = [];
  /** Ids of the SMTP sessions clients opened (one per connection). */
  readonly openedSessions = new Set<string>();
  /** Ids of the SMTP sessions whose client has hung up. */
  readonly closedSessions = new Set<string>();
  dataAttempts = 0;
  recipientAttempts = 0;

  private readonly server: SMTPServer;
  port = 0;

  private constructor(private readonly options: TestSmtpServerOptions) {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onConnect: (session, callback) => {
        this.openedSessions.add(session.id);
        callback();
      },
      onClose: (session) => {
        this.closedSessions.add(session.id);
      },
      onRcptTo: (recipient, _session, callback) => {
        this.recipientAttempts += 1;
        const reply = this.options.replyToRecipient?.(this.recipientAttempts, recipient.address);
        callback(reply ? smtpError(reply) : undefined);
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', async () => {
          this.dataAttempts += 1;
          const attempt = this.dataAttempts;
          const raw = Buffer.concat(chunks).toString('utf8');
          const messageId = /^Message-ID:\s*(\S+)/im.exec(raw)?.[1] ?? '';
          this.offeredMessageIds.push(messageId);
          await this.options.holdData?.(attempt);
          if (this.closedSessions.has(session.id)) {
            this.abandonedMessageIds.push(messageId);
            return;
          }
          const reply = this.options.replyToData?.(attempt);
          if (reply) return callback(smtpError(reply));
          const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address);
          simpleParser(raw).then(
            (parsed) => {
              this.received.push({ raw, parsed, recipients });
              callback(null, 'OK: message accepted');
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  static async start(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
    const instance = new TestSmtpServer(options);
    await new Promise<void>((resolve) => instance.server.listen(0, '127.0.0.1', resolve));
    instance.port = (instance.server.server.address() as AddressInfo).port;
    return instance;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
