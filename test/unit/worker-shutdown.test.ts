// The activity side: an attempt cancelled because the worker shuts down is reported as a
// non-retryable WorkerShutdown failure with its attempt number, and nothing else is.
import { ActivityFailure, ApplicationFailure, CancelledFailure, RetryState } from '@temporalio/common';
import type { ActivityExecuteInput, Next, ActivityInboundCallsInterceptor } from '@temporalio/worker';
import type { Context } from '@temporalio/activity';
import { ErrorType } from '../../src/contracts';
import { shutdownAsInterruption, workerShutdownFailure } from '../../src/temporal/worker-shutdown';
import { interruptedAttempt, remainingAttempts } from '../../src/workflows/shutdown-retries';

function contextWith(workflowType: string, attempt: number, reason?: string): Context {
  const controller = new AbortController();
  if (reason) controller.abort(new CancelledFailure(reason));
  return { info: { workflowType, attempt }, cancellationSignal: controller.signal } as unknown as Context;
}

async function thrownBy(context: Context, error: unknown): Promise<unknown> {
  const inbound = shutdownAsInterruption(context).inbound as ActivityInboundCallsInterceptor;
  const next: Next<ActivityInboundCallsInterceptor, 'execute'> = () => Promise.reject(error);
  return inbound.execute!({ args: [], headers: {} } as ActivityExecuteInput, next).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
}

describe('an attempt interrupted by a worker shutdown', () => {
  it('is reported as a non-retryable WorkerShutdown failure naming its attempt', async () => {
    const abort = new DOMException('aborted', 'AbortError');
    const thrown = await thrownBy(contextWith('processUpload', 3, 'WORKER_SHUTDOWN'), abort);
    expect(thrown).toBeInstanceOf(ApplicationFailure);
    const failure = thrown as ApplicationFailure;
    expect(failure.type).toBe(ErrorType.workerShutdown);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.details).toEqual([{ attempt: 3 }]);
  });

  it.each([
    ['a real failure of a running attempt', 'processUpload', undefined],
    ['a cancellation the workflow asked for', 'sendEmail', 'CANCELLED'],
    ['a heartbeat timeout', 'processUpload', 'TIMED_OUT'],
    ['the retention sweep, which keeps the SDK retry', 'sweepRetention', 'WORKER_SHUTDOWN'],
  ])('is not claimed for %s', async (_case, workflowType, reason) => {
    const original = new Error('disk read error');
    expect(await thrownBy(contextWith(workflowType, 1, reason), original)).toBe(original);
  });
});

describe('the budget a re-scheduled step keeps', () => {
  it('is the maximum less the real failures, never below one attempt; unlimited stays unlimited', () => {
    expect(remainingAttempts(4, 0)).toBe(4);
    expect(remainingAttempts(4, 3)).toBe(1);
    expect(remainingAttempts(4, 7)).toBe(1);
    expect(remainingAttempts(undefined, 2)).toBeUndefined();
    expect(remainingAttempts(0, 2)).toBe(0);
  });

  it('reads the interrupted attempt only from a WorkerShutdown failure', () => {
    const stepFailed = (cause: Error) =>
      new ActivityFailure('failed', 'analyseFile', '1', RetryState.NON_RETRYABLE_FAILURE, 'worker', cause);
    expect(interruptedAttempt(stepFailed(workerShutdownFailure(2)))).toBe(2);
    expect(
      interruptedAttempt(stepFailed(ApplicationFailure.nonRetryable('gone', ErrorType.fileNotFound))),
    ).toBe(undefined);
    expect(interruptedAttempt(workerShutdownFailure(2))).toBeUndefined();
    expect(interruptedAttempt(new Error('no'))).toBeUndefined();
  });
});
