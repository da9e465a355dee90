// The one place where errors become HTTP: each domain error kind has a status and a stable code.
import type { DomainErrorKind } from '../errors';
import { DomainError } from '../errors';
import { temporalFailure } from '../temporal/errors';

// Stable error codes: clients may switch on `code`; `error` is for people.
export const ErrorCode = {
  validationFailed: 'VALIDATION_FAILED',
  unauthenticated: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  notFound: 'NOT_FOUND',
  conflict: 'CONFLICT',
  idempotencyKeyReused: 'IDEMPOTENCY_KEY_REUSED',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  temporalUnavailable: 'TEMPORAL_UNAVAILABLE',
  temporalRejected: 'TEMPORAL_REJECTED',
  internal: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_CODES = Object.values(ErrorCode);

interface HttpErrorMapping {
  status: number;
  code: ErrorCode;
  headers?: Record<string, string>;
}

/** How long a client should wait before repeating a call that Temporal could not take. */
export const TEMPORAL_RETRY_AFTER_SECONDS = 5;

export const HTTP_ERROR_FOR: Record<DomainErrorKind, HttpErrorMapping> = {
  invalidInput: { status: 400, code: ErrorCode.validationFailed },
  unauthenticated: {
    status: 401,
    code: ErrorCode.unauthenticated,
    headers: { 'www-authenticate': 'Bearer realm="durable-jobs"' },
  },
  forbidden: { status: 403, code: ErrorCode.forbidden },
  idempotencyKeyReused: { status: 422, code: ErrorCode.idempotencyKeyReused },
  notFound: { status: 404, code: ErrorCode.notFound },
  conflict: { status: 409, code: ErrorCode.conflict },
  tooLarge: { status: 413, code: ErrorCode.payloadTooLarge },
  temporalUnavailable: {
    status: 503,
    code: ErrorCode.temporalUnavailable,
    headers: { 'retry-after': String(TEMPORAL_RETRY_AFTER_SECONDS) },
  },
  temporalRejected: { status: 503, code: ErrorCode.temporalRejected },
};

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** Headers the answer carries besides the body (`WWW-Authenticate` on a 401). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toBody(): Record<string, unknown> {
    return { error: this.message, code: this.code, ...this.details };
  }
}

/** A domain error, or a Temporal failure thrown raw by the client, as HTTP; undefined for others. */
export function httpErrorOf(error: unknown): HttpError | undefined {
  const domainError = error instanceof DomainError ? error : temporalFailure(error);
  if (!domainError) return undefined;
  const { status, code, headers } = HTTP_ERROR_FOR[domainError.kind];
  return new HttpError(status, code, domainError.message, domainError.details, headers);
}
