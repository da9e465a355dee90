import { status } from '@grpc/grpc-js';
import { isGrpcDeadlineError, isGrpcServiceError } from '@temporalio/client';
import { TemporalRejected, TemporalUnavailable } from '../errors';
import { describeConnectionError } from './client';

/** What the Temporal server answered when it refused a call, in its own words. */
export interface TemporalRejection {
  /** The gRPC status name, e.g. INVALID_ARGUMENT or PERMISSION_DENIED. */
  grpcStatus: string;
  message: string;
}

/** Not refusals: the server did not answer, or the call was given up on this side. */
const NOT_ANSWERED = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.CANCELLED]);

/** The gRPC error inside what the client threw: it wraps them in a ServiceError's `cause`. */
function grpcErrorIn(error: unknown): { code: number; details: string } | undefined {
  let candidate: unknown = error;
  for (let depth = 0; candidate instanceof Error && depth < 5; depth += 1) {
    if (isGrpcServiceError(candidate)) return candidate;
    candidate = candidate.cause;
  }
  return undefined;
}

/** gRPC UNAVAILABLE or DEADLINE_EXCEEDED from the Temporal client: the server is not answering. */
export function isTemporalConnectionFailure(error: unknown): boolean {
  return isGrpcDeadlineError(error) || grpcErrorIn(error)?.code === status.UNAVAILABLE;
}

/**
 * A gRPC error from a server that was reached and said no (unknown search attribute, missing
 * namespace, permission, rate limit).
 */
export function temporalRejection(error: unknown): TemporalRejection | undefined {
  const grpcError = grpcErrorIn(error);
  if (!grpcError || NOT_ANSWERED.has(grpcError.code)) return undefined;
  return { grpcStatus: status[grpcError.code] ?? String(grpcError.code), message: grpcError.details };
}

/** Any failure of a Temporal call that is the server's side, as a domain error; undefined for others. */
export function temporalFailure(error: unknown): TemporalUnavailable | TemporalRejected | undefined {
  if (error instanceof TemporalUnavailable || error instanceof TemporalRejected) return error;
  if (isTemporalConnectionFailure(error)) return new TemporalUnavailable(describeConnectionError(error));
  const rejection = temporalRejection(error);
  return rejection ? new TemporalRejected(rejection.message, rejection.grpcStatus) : undefined;
}
