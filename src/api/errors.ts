import { describeConnectionError } from '../temporal/client';
import { temporalRejection, type TemporalRejection } from '../temporal/errors';

// Stable error codes: clients may switch on `code`; `error` is for people.
export const ErrorCode = {
  validationFailed: 'VALIDATION_FAILED',
  notFound: 'NOT_FOUND',
  conflict: 'CONFLICT',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  temporalUnavailable: 'TEMPORAL_UNAVAILABLE',
  temporalRejected: 'TEMPORAL_REJECTED',
  internal: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toBody(): Record<string, unknown> {
    return { error: this.message, code: this.code, ...this.details };
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) =>
  new HttpError(400, ErrorCode.validationFailed, message, details);

export const notFound = (message: string, details?: Record<string, unknown>) =>
  new HttpError(404, ErrorCode.notFound, message, details);

export const conflict = (message: string, details?: Record<string, unknown>) =>
  new HttpError(409, ErrorCode.conflict, message, details);

export const temporalUnavailable = (reason: string) =>
  new HttpError(503, ErrorCode.temporalUnavailable, 'Temporal is unavailable', { reason });

/** The server's own reason, so that an operator can act on it (e.g. a search attribute to add). */
export const temporalRejected = (rejection: TemporalRejection) =>
  new HttpError(503, ErrorCode.temporalRejected, `Temporal rejected the request: ${rejection.message}`, {
    reason: rejection.message,
    grpcStatus: rejection.grpcStatus,
  });

/** Any failure of a Temporal call that is the server's side, as a 503; undefined for others. */
export function temporalHttpError(error: unknown): HttpError | undefined {
  if (isTemporalConnectionFailure(error)) return temporalUnavailable(describeConnectionError(error));
  const rejection = temporalRejection(error);
  return rejection ? temporalRejected(rejection) : undefined;
}

/**
 * gRPC UNAVAILABLE or DEADLINE_EXCEEDED from the Temporal client: the server is not answering.
 * The client wraps gRPC errors in a `ServiceError` whose `cause` carries the code.
 */
export function isTemporalConnectionFailure(error: unknown): boolean {
  let candidate = error as { code?: unknown; cause?: unknown } | null | undefined;
  for (let depth = 0; candidate && depth < 5; depth += 1) {
    if (candidate.code === 14 || candidate.code === 4) return true;
    candidate = candidate.cause as typeof candidate;
  }
  return false;
}
