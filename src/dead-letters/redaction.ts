import type { JobType } from '../contracts';
import { InvalidInput } from '../errors';
import type { DeadLetter, RedactedParts, StepFailure } from './dead-letter-store';

/** What a redacted field holds instead of its value. */
export const REDACTED = '[redacted]';

/**
 * The input fields of each job type that say who someone is or let someone act as them:
 * addresses, names and URLs (which may carry tokens) in e-mail parameters, notification targets.
 * A job type not declared here has its whole input redacted.
 */
export const PERSONAL_FIELDS: Partial<Record<JobType, readonly string[]>> = {
  sendEmail: ['to', 'params'],
  processUpload: ['notifyUrl', 'notifyEmail'],
};

const EMAIL_ADDRESS = /[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+\.[^\s@<>"'(),;:]+/g;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every string inside `value`, however deep, longest first (so a value inside another goes last). */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (isRecord(value)) return Object.values(value).flatMap(stringsIn);
  return value === undefined || value === null ? [] : [String(value)];
}

function scrub(message: string, secrets: string[]): string {
  const scrubbed = secrets.reduce((text, secret) => text.split(secret).join(REDACTED), message);
  return scrubbed.replace(EMAIL_ADDRESS, REDACTED);
}

function personalFieldsOf(jobType: string): readonly string[] | undefined {
  return (PERSONAL_FIELDS as Record<string, readonly string[] | undefined>)[jobType];
}

/**
 * The entry with its personal fields replaced by REDACTED, and their values (and any e-mail
 * address) cut out of the error messages too, which often quote them. The input of a job type
 * without a declaration is redacted whole.
 */
export function redactDeadLetter(entry: DeadLetter): RedactedParts {
  const fields = personalFieldsOf(entry.jobType);
  const input = entry.input;
  let redactedInput: unknown = REDACTED;
  let removed: unknown = input;
  if (fields && isRecord(input)) {
    const present = fields.filter((field) => input[field] !== undefined && input[field] !== null);
    redactedInput = { ...input, ...Object.fromEntries(present.map((field) => [field, REDACTED])) };
    removed = present.map((field) => input[field]);
  }
  const secrets = stringsIn(removed)
    .filter((text) => text.length >= 3 && text !== REDACTED)
    .sort((a, b) => b.length - a.length);
  const attempts: StepFailure[] = entry.attempts.map((attempt) => ({
    ...attempt,
    message: scrub(attempt.message, secrets),
  }));
  const lastRedriveFailure = entry.lastRedriveFailure && {
    ...entry.lastRedriveFailure,
    error: scrub(entry.lastRedriveFailure.error, secrets),
  };
  return {
    input: redactedInput,
    errorMessage: scrub(entry.errorMessage, secrets),
    attempts,
    lastRedriveFailure,
  };
}

/** The input fields of an entry that redaction replaced (`input` itself when it went whole). */
export function redactedFields(entry: Pick<DeadLetter, 'input' | 'redactedAt'>): string[] {
  if (entry.redactedAt === null) return [];
  if (!isRecord(entry.input)) return entry.input === REDACTED ? ['input'] : [];
  const input = entry.input;
  return Object.keys(input).filter((field) => input[field] === REDACTED);
}

/** A redrive of a redacted entry that does not supply what redaction removed. */
export class RedactedInputMissing extends InvalidInput {
  constructor(deadLetterId: string, fields: string[]) {
    super(
      `Dead letter ${deadLetterId} was redacted: its input no longer holds ${fields.join(', ')}. ` +
        'Supply them in "input" to redrive it.',
      { field: `input.${fields[0]}`, location: 'body', deadLetterId, redactedFields: fields },
    );
  }
}

/** Throws RedactedInputMissing unless `corrected` supplies every field redaction removed. */
export function checkRedactedFieldsSupplied(
  entry: Pick<DeadLetter, 'id' | 'input' | 'redactedAt'>,
  corrected: Record<string, unknown> | undefined,
): void {
  const fields = redactedFields(entry);
  const wholeInputSupplied = fields[0] === 'input' && corrected !== undefined;
  const missing = wholeInputSupplied ? [] : fields.filter((field) => !(corrected && field in corrected));
  if (missing.length > 0) throw new RedactedInputMissing(entry.id, missing);
}
