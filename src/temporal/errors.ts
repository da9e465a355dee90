import { status } from '@grpc/grpc-js';
import { isGrpcServiceError } from '@temporalio/client';

/** What the Temporal server answered when it refused a call, in its own words. */
export interface TemporalRejection {
  /** The gRPC status name, e.g. INVALID_ARGUMENT or PERMISSION_DENIED. */
  grpcStatus: string;
  message: string;
}

/** Not refusals: the server did not answer, or the call was given up on this side. */
const NOT_ANSWERED = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.CANCELLED]);

/**
 * A gRPC error from a server that was reached and said no (unknown search attribute, missing
 * namespace, permission, rate limit). The client wraps it in a ServiceError's `cause`.
 */
export function temporalRejection(error: unknown): TemporalRejection | undefined {
  let candidate: unknown = error;
  for (let depth = 0; candidate instanceof Error && depth < 5; depth += 1) {
    if (isGrpcServiceError(candidate)) {
      if (NOT_ANSWERED.has(candidate.code)) return undefined;
      return { grpcStatus: status[candidate.code] ?? String(candidate.code), message: candidate.details };
    }
    candidate = candidate.cause;
  }
  return undefined;
}
