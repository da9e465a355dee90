// The activity side of "a deploy never burns a job's attempts": once the worker's shutdown grace
// has run out and it cancels the attempts still running, whatever such an attempt throws is
// reported as a non-retryable `WorkerShutdown` failure with its attempt number. The server then
// stops retrying that activity, and the job's workflow schedules it again without counting the
// attempt (src/workflows/shutdown-retries.ts). Left as it was, the SDK reports a retryable failure
// that spends one of the step's attempts.
import { CancelledFailure, ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { ErrorType, RESCHEDULED_AFTER_SHUTDOWN } from '../contracts';
import type { ShutdownInterruption } from '../workflows/shutdown-retries';

/** The reason the SDK gives the cancellation it sends running activities when the worker stops. */
const WORKER_SHUTDOWN_REASON = 'WORKER_SHUTDOWN';

export function isWorkerShutdown(signal: AbortSignal): boolean {
  return (
    signal.aborted &&
    signal.reason instanceof CancelledFailure &&
    signal.reason.message === WORKER_SHUTDOWN_REASON
  );
}

export function workerShutdownFailure(attempt: number, cause?: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    type: ErrorType.workerShutdown,
    message: `The worker shut down during attempt ${attempt}; the job runs the step again`,
    nonRetryable: true,
    details: [{ attempt } satisfies ShutdownInterruption],
    cause: cause instanceof Error ? cause : undefined,
  });
}

const RESCHEDULING_WORKFLOWS: readonly string[] = RESCHEDULED_AFTER_SHUTDOWN;

/** Only workflows that schedule interrupted steps again get this; other activities keep the SDK's retry. */
export const shutdownAsInterruption: ActivityInterceptorsFactory = (context) => ({
  inbound: {
    execute: async (input, next) => {
      try {
        return await next(input);
      } catch (error) {
        const workflowType = context.info.workflowType ?? '';
        if (!RESCHEDULING_WORKFLOWS.includes(workflowType) || !isWorkerShutdown(context.cancellationSignal))
          throw error;
        throw workerShutdownFailure(context.info.attempt, error);
      }
    },
  },
});
