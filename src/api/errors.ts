// Stable error codes: clients may switch on `code`; `error` is for people.
export const ErrorCode = {
  validationFailed: 'VALIDATION_FAILED',
  notFound: 'NOT_FOUND',
  conflict: 'CONFLICT',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  unsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  temporalUnavailable: 'TEMPORAL_UNAVAILABLE',
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
