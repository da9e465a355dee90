// When a job begins: now, at `runAt`, or after `delay`. Any job start may carry one of the two;
// they become Temporal's start delay, so the job exists at once and no worker sees it before then.
import { Type, type Static, type TObject } from '@sinclair/typebox';
import { parseDuration } from '../duration';
import { InvalidInput } from '../errors';

/** The furthest ahead a job may be set to begin. */
export const MAX_START_DELAY_MS = 366 * 24 * 60 * 60 * 1000;

export const StartTiming = Type.Object({
  runAt: Type.Optional(
    Type.String({
      maxLength: 40,
      description: 'ISO 8601 date and time, in the future (at most a year ahead); not with delay',
      examples: ['2030-01-01T09:00:00Z'],
    }),
  ),
  delay: Type.Optional(
    Type.String({
      maxLength: 20,
      description: 'How long to wait before the job begins: seconds, or 90s, 15m, 2h, 1d; not with runAt',
      examples: ['90s', '2h'],
    }),
  ),
  priority: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 5,
      description: "Temporal's task priority: 1 runs first, 5 last; 3 when not given",
    }),
  ),
});
export type StartTiming = Static<typeof StartTiming>;

// A date with a time and an explicit zone: "2030-01-01" alone would be read as UTC midnight silently.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

function invalid(field: keyof StartTiming, message: string): InvalidInput {
  return new InvalidInput(`Invalid input: '${field}' ${message}`, { field, location: 'body' });
}

function runAtDelay(runAt: string, now: number): number {
  const at = ISO_DATE_TIME.test(runAt) ? Date.parse(runAt) : NaN;
  if (Number.isNaN(at)) throw invalid('runAt', 'must be an ISO 8601 date and time with a zone');
  if (at <= now) throw invalid('runAt', 'must be in the future');
  return at - now;
}

function parsedDelay(delay: string): number {
  const ms = parseDuration(delay);
  if (ms === undefined || ms <= 0) throw invalid('delay', 'must be a positive duration such as 90s or 2h');
  return ms;
}

/** The start delay in ms that `timing` asks for, undefined for "now"; InvalidInput names the field. */
export function startDelayOf(timing: StartTiming, now = Date.now()): number | undefined {
  if (timing.runAt !== undefined && timing.delay !== undefined) {
    throw invalid('delay', 'cannot be given together with runAt');
  }
  const field = timing.runAt !== undefined ? 'runAt' : 'delay';
  const ms =
    timing.runAt !== undefined
      ? runAtDelay(timing.runAt, now)
      : timing.delay !== undefined
        ? parsedDelay(timing.delay)
        : undefined;
  if (ms !== undefined && ms > MAX_START_DELAY_MS) throw invalid(field, 'must be at most a year ahead');
  return ms;
}

/** The request without its timing and priority fields: what the job type's own request schema describes. */
export function withoutTiming<R extends StartTiming>(request: R): Omit<R, keyof StartTiming> {
  const { runAt: _runAt, delay: _delay, priority: _priority, ...rest } = request;
  return rest;
}

/** A job type's request schema with the timing fields beside its own, for the routes that start it. */
export function withTiming<S extends TObject>(schema: S) {
  return Type.Composite([schema, StartTiming], {
    additionalProperties: false,
    title: schema.title,
  });
}
