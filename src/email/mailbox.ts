import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';

export interface CapturedMailSummary {
  id: string;
  messageId: string | null;
  from: string;
  to: string;
  subject: string;
  date: string | null;
}

export interface CapturedMail extends CapturedMailSummary {
  text: string;
  html: string | null;
}

const MAIL_ID = /^[A-Za-z0-9-]+$/;

function addressText(address: AddressObject | AddressObject[] | undefined): string {
  if (!address) return '';
  return (Array.isArray(address) ? address : [address]).map((entry) => entry.text).join(', ');
}

/** The `.eml` files that the capturing SMTP server wrote, newest first. */
export class CapturedMailbox {
  constructor(readonly directory: string) {}

  fileFor(id: string): string | undefined {
    return MAIL_ID.test(id) ? path.join(this.directory, `${id}.eml`) : undefined;
  }

  async list(): Promise<CapturedMailSummary[]> {
    const names = await fs.readdir(this.directory).catch(() => [] as string[]);
    const ids = names
      .filter((name) => name.endsWith('.eml'))
      .map((name) => name.slice(0, -'.eml'.length))
      .sort()
      .reverse();
    const mails = await Promise.all(ids.map((id) => this.read(id)));
    return mails.flatMap((mail) => (mail ? [summaryOf(mail)] : []));
  }

  async readRaw(id: string): Promise<string | undefined> {
    const file = this.fileFor(id);
    if (!file) return undefined;
    return fs.readFile(file, 'utf8').catch(() => undefined);
  }

  async read(id: string): Promise<CapturedMail | undefined> {
    const raw = await this.readRaw(id);
    if (raw === undefined) return undefined;
    const parsed = await simpleParser(raw);
    return {
      id,
      messageId: parsed.messageId ?? null,
      from: addressText(parsed.from),
      to: addressText(parsed.to),
      subject: parsed.subject ?? '',
      date: parsed.date?.toISOString() ?? null,
      text: parsed.text ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : null,
    };
  }
}

function summaryOf(mail: CapturedMail): CapturedMailSummary {
  const { id, messageId, from, to, subject, date } = mail;
  return { id, messageId, from, to, subject, date };
}
