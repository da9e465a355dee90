// Response schemas shared by several routes, and the error body every failure answers with.
import { Type, type TSchema } from '@sinclair/typebox';
import { JOB_STATES, JOB_TYPES } from '../contracts';
import { ERROR_CODES, type ErrorCode } from './errors';
import type { ResponseSpec } from './route';

const Nullable = <S extends TSchema>(schema: S) => Type.Union([schema, Type.Null()]);
const DateTime = Type.String({ description: 'ISO 8601 date and time' });

/** Every error: `error` for people, `code` for programs, and facts such as `field`. */
export const ErrorBody = Type.Object(
  {
    error: Type.String(),
    code: Type.Unsafe<ErrorCode>({ type: 'string', enum: ERROR_CODES }),
    field: Type.Optional(Type.String({ description: 'The input to fix' })),
    location: Type.Optional(Type.String({ description: 'body, querystring, params or headers' })),
    reason: Type.Optional(Type.String({ description: "A dependency's own reason" })),
  },
  { additionalProperties: true, title: 'Error' },
);

export function errorResponse(description: string) {
  return { description, schema: ErrorBody } satisfies ResponseSpec;
}

export const temporalDown = errorResponse('Temporal is unavailable or refused the request');

export const keyReused = errorResponse(
  'This caller used the Idempotency-Key before with a different body (IDEMPOTENCY_KEY_REUSED)',
);

/** What a started job answers, whatever its type. */
export const JobAccepted = Type.Object(
  {
    status: Type.Literal('queued'),
    jobId: Type.String(),
    statusUrl: Type.String({ description: 'GET it for the job status' }),
  },
  { title: 'JobAccepted' },
);

export const jobAccepted = (jobId: string) => ({
  status: 202 as const,
  body: { status: 'queued' as const, jobId, statusUrl: `/jobs/${jobId}` },
  headers: { location: `/jobs/${jobId}` },
});

export const JobIdParams = Type.Object({ jobId: Type.String({ minLength: 1, maxLength: 200 }) });

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        "A retried request with the same key and body gets the same job; keys are the caller's own",
    }),
  ),
});

export const JobStatusBody = Type.Object(
  {
    jobId: Type.String(),
    runId: Type.String(),
    type: Type.String({ examples: [...JOB_TYPES] }),
    state: Type.Union(JOB_STATES.map((state) => Type.Literal(state))),
    stage: Type.String(),
    progress: Type.Number({ minimum: 0, maximum: 100 }),
    attempts: Type.Integer({ minimum: 0 }),
    result: Type.Unknown({ description: "The workflow's result once completed, else null" }),
    error: Nullable(Type.String()),
    createdAt: DateTime,
    startedAt: Nullable(DateTime),
    finishedAt: Nullable(DateTime),
    webUiUrl: Type.String(),
  },
  { title: 'JobStatus' },
);

/** One job in a list: what visibility knows, without input or result. */
export const JobListItem = Type.Object(
  {
    jobId: Type.String(),
    runId: Type.String(),
    type: Type.String({ examples: [...JOB_TYPES] }),
    state: Type.Union(JOB_STATES.map((state) => Type.Literal(state))),
    createdAt: DateTime,
    finishedAt: Nullable(DateTime),
    webUiUrl: Type.String(),
  },
  { title: 'JobListItem' },
);

export const JobListPage = Type.Object(
  {
    items: Type.Array(JobListItem),
    nextCursor: Nullable(
      Type.String({ description: 'Pass as `cursor` for the next page; null on the last' }),
    ),
  },
  { title: 'JobListPage' },
);

export const FileDescription = Type.Object(
  {
    fileId: Type.String(),
    size: Type.Integer({ minimum: 0 }),
    sha256: Type.String(),
    contentType: Type.String(),
    createdAt: Type.Optional(DateTime),
  },
  { title: 'File' },
);

const StepFailure = Type.Object({
  step: Type.String(),
  attempts: Type.Integer(),
  errorType: Nullable(Type.String()),
  message: Type.String(),
  failedAt: Nullable(Type.String()),
});

export const DeadLetterBody = Type.Object(
  {
    id: Type.String(),
    jobId: Type.String(),
    runId: Type.String(),
    jobType: Type.String(),
    input: Type.Unknown(),
    errorType: Nullable(Type.String()),
    errorMessage: Type.String(),
    failedStep: Nullable(Type.String()),
    attempts: Type.Array(StepFailure),
    jobStartedAt: Nullable(Type.String()),
    failedAt: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('redriving'), Type.Literal('redriven')]),
    redrivenJobId: Nullable(Type.String()),
    redrivenAt: Nullable(Type.String()),
    redrivenBy: Nullable(Type.String({ description: "The redriving token's name, or anonymous" })),
    redriveChanges: Nullable(
      Type.Array(Type.Object({ field: Type.String(), before: Type.Unknown(), after: Type.Unknown() }), {
        description: 'The fields the redrive corrected, before and after',
      }),
    ),
    redactedAt: Nullable(Type.String()),
    failedRedrives: Type.Integer({ minimum: 0, description: 'Redrives tried that failed' }),
    lastRedriveFailure: Nullable(
      Type.Object(
        { by: Type.String(), at: Type.String(), error: Type.String() },
        { description: 'Who tried the last failed redrive, when, and why it failed' },
      ),
    ),
  },
  { title: 'DeadLetter' },
);
