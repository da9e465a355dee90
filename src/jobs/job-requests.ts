// What clients may send to start each job type: one JSON Schema per request, from which the
// TypeScript type is derived. The HTTP route validates a new request with it, a redrive validates
// a corrected input with it, and the OpenAPI document describes it.
import { Type, type Static, type TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { EMAIL_ADDRESS_PATTERN, MAX_ADDRESS_LENGTH } from '../email/address';
import type { JobType } from '../contracts';
import { InvalidInput } from '../errors';

export const EmailAddress = Type.String({
  pattern: EMAIL_ADDRESS_PATTERN,
  maxLength: MAX_ADDRESS_LENGTH,
  description: 'An e-mail address',
  examples: ['ann@example.com'],
});

export const HttpUrl = Type.String({
  pattern: '^https?://\\S+$',
  maxLength: 2048,
  description: 'An http(s) URL',
  examples: ['https://example.com/hooks/upload'],
});

export const UploadRequest = Type.Object(
  {
    fileId: Type.String({ minLength: 1, maxLength: 100, description: 'From POST /files' }),
    notifyUrl: Type.Optional(HttpUrl),
    notifyEmail: Type.Optional(EmailAddress),
  },
  { additionalProperties: false, title: 'UploadRequest' },
);
export type UploadRequest = Static<typeof UploadRequest>;

export const SendEmailRequest = Type.Object(
  {
    to: EmailAddress,
    template: Type.String({ minLength: 1, maxLength: 100, examples: ['welcome'] }),
    params: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: "The template's parameters" }),
    ),
  },
  { additionalProperties: false, title: 'SendEmailRequest' },
);
export type SendEmailRequest = Static<typeof SendEmailRequest>;

/**
 * What a redrive may correct in a dead letter's input, per job type: fields whose fix is an
 * operator's routine (a mistyped address, a moved webhook), never what decides what is sent or to
 * whom on someone else's behalf. Every other field is refused by name.
 */
export const CORRECTABLE_FIELDS: { [T in JobType]: (storedInput: unknown) => readonly string[] } = {
  processUpload: () => ['notifyUrl', 'notifyEmail'],
  sendEmail: (storedInput) => {
    const template = templateOf(storedInput);
    return Object.hasOwn(CORRECTABLE_EMAIL_FIELDS, template) ? CORRECTABLE_EMAIL_FIELDS[template]! : [];
  },
};

// By template: a welcome e-mail may go to a corrected address; a password reset may not (its
// link would hand the account to whoever receives it), nor may any template's parameters change.
const CORRECTABLE_EMAIL_FIELDS: Record<string, readonly string[]> = {
  welcome: ['to'],
  'upload-processed': ['to'],
};

function templateOf(storedInput: unknown): string {
  const template = (storedInput as { template?: unknown } | null)?.template;
  return typeof template === 'string' ? template : '';
}

function fieldOf(path: string): string {
  return path.replace(/^\//, '').replace(/\//g, '.');
}

/** `value` if it matches `schema`, else an InvalidInput naming the first field that does not. */
export function checkRequest<S extends TObject>(schema: S, value: unknown): Static<S> {
  const issue = Value.Errors(schema, value).First();
  if (!issue) return value as Static<S>;
  const field = fieldOf(issue.path);
  const message = field ? `Invalid input: '${field}' ${issue.message}` : `Invalid input: ${issue.message}`;
  throw new InvalidInput(message, { field, location: 'body' });
}

/** The fields of `value` that `schema` declares; what a stored workflow input shares with a request. */
export function requestFieldsOf(schema: TObject, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object') return {};
  const known = Object.keys(schema.properties);
  return Object.fromEntries(Object.entries(value).filter(([key]) => known.includes(key)));
}
