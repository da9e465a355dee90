// A worker shutting down (a deploy, a restart) is not the job's fault: an attempt it interrupts is
// run again without spending the step's failure budget. The worker reports such an attempt as a
// non-retryable `WorkerShutdown` failure carrying its attempt number (src/temporal/worker-shutdown.ts),
// so the server stops retrying it; this module schedules the step again with the attempts that real
// failures left, and keeps a separate, larger budget for interruptions.
import {
  ActivityFailure,
  ApplicationFailure,
  patched,
  proxyActivities,
  type ActivityFunction,
  type ActivityInterfaceFor,
  type ActivityOptions,
} from '@temporalio/workflow';
import { ErrorType } from '../contracts';

/** Deploys in a row that one step survives; beyond them the step fails like any other. */
export const MAX_SHUTDOWN_INTERRUPTIONS = 100;

/** Marks runs whose steps were re-scheduled after a shutdown: earlier code failed them instead. */
export const SHUTDOWN_RETRIES_PATCH = 'retry-worker-shutdown';

/** What an interrupted attempt reports: its attempt number, the real failures before it being one less. */
export interface ShutdownInterruption {
  attempt: number;
}

/** The interrupted attempt's number, when `error` is a step interrupted by a worker shutdown. */
export function interruptedAttempt(error: unknown): number | undefined {
  if (!(error instanceof ActivityFailure)) return undefined;
  const cause = error.cause;
  if (!(cause instanceof ApplicationFailure) || cause.type !== ErrorType.workerShutdown) return undefined;
  const attempt = (cause.details?.[0] as Partial<ShutdownInterruption> | undefined)?.attempt;
  return typeof attempt === 'number' && Number.isInteger(attempt) && attempt >= 1 ? attempt : 1;
}

/**
 * The attempts a re-scheduled step may still use: the policy's maximum less the real failures
 * already spent (at least the one it is about to make); unlimited stays unlimited.
 */
export function remainingAttempts(
  maximumAttempts: number | undefined,
  realFailures: number,
): number | undefined {
  if (!maximumAttempts) return maximumAttempts;
  return Math.max(1, maximumAttempts - realFailures);
}

type Step = ActivityFunction & {
  executeWithOptions(options: ActivityOptions, args: unknown[]): Promise<unknown>;
};

async function runSurvivingShutdowns(
  step: Step,
  options: ActivityOptions,
  args: unknown[],
): Promise<unknown> {
  let realFailures = 0;
  let interruptions = 0;
  for (;;) {
    try {
      if (interruptions === 0) return await step(...args);
      const maximumAttempts = remainingAttempts(options.retry?.maximumAttempts, realFailures);
      return await step.executeWithOptions({ retry: { maximumAttempts } }, args);
    } catch (error) {
      const attempt = interruptedAttempt(error);
      if (attempt === undefined || interruptions >= MAX_SHUTDOWN_INTERRUPTIONS) throw error;
      if (!patched(SHUTDOWN_RETRIES_PATCH)) throw error;
      realFailures += attempt - 1;
      interruptions += 1;
    }
  }
}

/** `proxyActivities`, with every step run again when a worker shutdown interrupts it. */
export function proxyJobActivities<A extends object>(options: ActivityOptions): ActivityInterfaceFor<A> {
  const steps = proxyActivities<A>(options) as Record<string, Step>;
  return new Proxy({} as ActivityInterfaceFor<A>, {
    get: (_target, name) => {
      if (typeof name !== 'string') return undefined;
      const step = steps[name]!;
      return (...args: unknown[]) => runSurvivingShutdowns(step, options, args);
    },
  });
}
