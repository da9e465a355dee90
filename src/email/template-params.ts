// Declarative parameter specs for templates. The same check runs in the HTTP route (so bad input is
// a 400 before any job starts) and in the render activity (so a job started any other way fails
// with a TemplateError instead of sending a broken message).
import { InvalidInput } from '../errors';
import { isHttpUrl } from '../urls';

export type ParamSpec =
  | { kind: 'text'; required: boolean; maxLength: number }
  | { kind: 'url'; required: boolean }
  | { kind: 'integer'; required: boolean; min: number; max: number };

type ValueOf<Spec extends ParamSpec> = Spec extends { kind: 'integer' } ? number : string;
type RequiredKeys<Specs> = {
  [K in keyof Specs]: Specs[K] extends { required: true } ? K : never;
}[keyof Specs];
type OptionalKeys<Specs> = Exclude<keyof Specs, RequiredKeys<Specs>>;

export type ParamSpecs = Record<string, ParamSpec>;
export type ParamsOf<Specs extends ParamSpecs> = { [K in RequiredKeys<Specs>]: ValueOf<Specs[K]> } & {
  [K in OptionalKeys<Specs>]?: ValueOf<Specs[K]>;
};

export const text = <Required extends boolean>(required: Required, maxLength = 200) =>
  ({ kind: 'text', required, maxLength }) as const;
export const url = <Required extends boolean>(required: Required) => ({ kind: 'url', required }) as const;
export const integer = <Required extends boolean>(required: Required, min: number, max: number) =>
  ({ kind: 'integer', required, min, max }) as const;

/** Input that a template cannot render; `field` is the JSON path a client should fix. */
export class EmailRequestError extends InvalidInput {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message, { field });
  }
}

// Control characters would let a value break out of a header line (subject) or garble the text.
function hasControlCharacters(value: string): boolean {
  return [...value].some((character) => {
    const code = character.charCodeAt(0);
    return code < 0x20 || code === 0x7f;
  });
}

function checkText(field: string, value: unknown, maxLength: number): string {
  if (typeof value !== 'string') throw new EmailRequestError(field, `'${field}' must be a string`);
  const trimmed = value.trim();
  if (trimmed === '') throw new EmailRequestError(field, `'${field}' must not be empty`);
  if (trimmed.length > maxLength) {
    throw new EmailRequestError(field, `'${field}' must be at most ${maxLength} characters`);
  }
  if (hasControlCharacters(trimmed)) {
    throw new EmailRequestError(field, `'${field}' must not contain control characters`);
  }
  return trimmed;
}

function checkUrl(field: string, value: unknown): string {
  const candidate = checkText(field, value, 2000);
  if (isHttpUrl(candidate)) return candidate;
  throw new EmailRequestError(field, `'${field}' must be an http(s) URL`);
}

function checkInteger(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new EmailRequestError(field, `'${field}' must be an integer`);
  }
  if (value < min || value > max) {
    throw new EmailRequestError(field, `'${field}' must be between ${min} and ${max}`);
  }
  return value;
}

function checkValue(field: string, spec: ParamSpec, value: unknown): string | number {
  switch (spec.kind) {
    case 'text':
      return checkText(field, value, spec.maxLength);
    case 'url':
      return checkUrl(field, value);
    case 'integer':
      return checkInteger(field, value, spec.min, spec.max);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks `raw` against `specs`; error fields are reported under `params.`. */
export function parseParams<Specs extends ParamSpecs>(
  templateName: string,
  specs: Specs,
  raw: unknown,
): ParamsOf<Specs> {
  if (!isPlainObject(raw)) throw new EmailRequestError('params', `'params' must be an object`);
  for (const key of Object.keys(raw)) {
    if (!(key in specs)) {
      throw new EmailRequestError(
        `params.${key}`,
        `'params.${key}' is not a parameter of template '${templateName}'`,
      );
    }
  }
  const parsed: Record<string, string | number> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const field = `params.${key}`;
    const value = raw[key];
    if (value === undefined || value === null) {
      if (spec.required)
        throw new EmailRequestError(field, `'${field}' is required by template '${templateName}'`);
      continue;
    }
    parsed[key] = checkValue(field, spec, value);
  }
  return parsed as ParamsOf<Specs>;
}
