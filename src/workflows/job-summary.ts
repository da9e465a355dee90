// What the Temporal Web UI shows a person about a job (user metadata): a one-line summary and
// Markdown details, built from the job's input. Never the full personal data: an address is masked,
// no body or parameter is shown. Pure functions: the workflow that starts child jobs uses them too.
import type { ProcessUploadInput } from '../contracts';
import type { SendEmailInput } from '../email/contracts';

export interface JobMetadata {
  summary: string;
  details: string;
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** 3_200_000 → "3.2 MB" (decimal units, one decimal from kB on). */
export function humanSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** "jane.doe@example.com" → "j•••@example.com": enough to tell jobs apart, not to read the address. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '•••';
  return `${address[0]}•••${address.slice(at)}`;
}

function hostOf(url: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/:?#]+)/i.exec(url);
  return match?.[1] ?? 'an address';
}

export function uploadMetadata(input: ProcessUploadInput): JobMetadata {
  const summary = `Upload ${input.contentType}, ${humanSize(input.size)}`;
  const details = [
    `**File** \`${input.fileId}\` (${humanSize(input.size)}, ${input.contentType})`,
    `**SHA-256** \`${input.sha256.slice(0, 16)}…\``,
    input.notifyUrl ? `**Webhook** to ${hostOf(input.notifyUrl)}` : null,
    input.notifyEmail ? `**E-mail** to ${maskEmail(input.notifyEmail)}` : null,
  ];
  return { summary, details: details.filter((line) => line !== null).join('\n\n') };
}

export function emailMetadata(input: SendEmailInput): JobMetadata {
  return {
    summary: `E-mail ${input.template} to ${maskEmail(input.to)}`,
    details: `**Template** \`${input.template}\`\n\n**To** ${maskEmail(input.to)}`,
  };
}
