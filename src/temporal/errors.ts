import { status, type ServiceError } from '@grpc/grpc-js';
import { isGrpcDeadlineError, isGrpcServiceError, isRetryableError } from '@temporalio/client';
import { TemporalRejected, TemporalUnavailable } from '../errors';
import { describeConnectionError } from './client';

/** What the Temporal server answered when it refused a call, in its own words. */
export interface TemporalRejection {
  /** The gRPC status name, e.g. INVALID_ARGUMENT or PERMISSION_DENIED. */
  grpcStatus: string;
  message: string;
}

/**
 * Calls given up on this side (the client's deadline, a channel closed while reconnecting): the SDK
 * does not retry them itself, but the same call a moment later may well succeed.
 */
const GIVEN_UP_HERE = new Set<number>([status.DEADLINE_EXCEEDED, status.CANCELLED]);

/** The gRPC error inside what the client threw: it wraps them in a ServiceError's `cause`. */
function grpcErrorIn(error: unknown): ServiceError | undefined {
  let candidate: unknown = error;
  for (let depth = 0; candidate instanceof Error && depth < 5; depth += 1) {
    if (isGrpcServiceError(candidate)) return candidate;
    candidate = candidate.cause;
  }
  return undefined;
}

/**
 * A transient failure of a Temporal call, worth repeating later: the codes the SDK's own gRPC retry
 * treats as retryable (UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED, UNKNOWN, a reset HTTP/2 stream…),
 * plus DEADLINE_EXCEEDED and CANCELLED.
 */
export function isTemporalConnectionFailure(error: unknown): boolean {
  if (isGrpcDeadlineError(error)) return true;
  const grpcError = grpcErrorIn(error);
  return grpcError !== undefined && (GIVEN_UP_HERE.has(grpcError.code) || isRetryableError(grpcError));
}

/**
 * A gRPC error from a server that was reached and said no for good (unknown search attribute,
 * missing namespace, permission).
 */
export function temporalRejection(error: unknown): TemporalRejection | undefined {
  const grpcError = grpcErrorIn(error);
  if (!grpcError || isTemporalConnectionFailure(error)) return undefined;
  return { grpcStatus: status[grpcError.code] ?? String(grpcError.code), message: grpcError.details };
}

function grpcStatusOf(error: unknown): Record<string, string> {
  const code = grpcErrorIn(error)?.code;
  return code === undefined ? {} : { grpcStatus: status[code] ?? String(code) };
}

/** Any failure of a Temporal call that is the server's side, as a domain error; undefined for others. */
export function temporalFailure(error: unknown): TemporalUnavailable | TemporalRejected | undefined {
  if (error instanceof TemporalUnavailable || error instanceof TemporalRejected) return error;
  if (isTemporalConnectionFailure(error)) {
    return new TemporalUnavailable(describeConnectionError(error), grpcStatusOf(error));
  }
  const rejection = temporalRejection(error);
  return rejection ? new TemporalRejected(rejection.message, rejection.grpcStatus) : undefined;
}
