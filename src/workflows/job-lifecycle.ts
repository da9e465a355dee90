// What every job workflow shares: progress that a query and the memo expose, the JobState
// search attribute that the Web UI searches on, and dead-lettering when a step finally fails.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  patched,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeadLetterActivities } from '../activities/dead-letter';
import {
  ACTIVITY_OPTIONS,
  ErrorType,
  JOB_STATE_SEARCH_ATTRIBUTE,
  PROGRESS_MEMO_KEY,
  progressQuery,
  STARTED_AT_MEMO_KEY,
  startedAtQuery,
  type JobProgress,
  type JobState,
  type JobType,
} from '../contracts';
import { proxyJobActivities } from './shutdown-retries';

const { recordDeadLetter } = proxyJobActivities<DeadLetterActivities>(ACTIVITY_OPTIONS.compensation);

export class ProgressReporter {
  private current: JobProgress = { stage: 'queued', percent: 0 };
  /** Workflow time in the first task is when that task started: when a worker took the job up. */
  private readonly startedAt = Date.now();

  constructor() {
    setHandler(progressQuery, () => this.current);
    setHandler(startedAtQuery, () => this.startedAt);
  }

  get progress(): JobProgress {
    return this.current;
  }

  /** `stepEndsAt`: the figure a heartbeating step reaches when it is done. */
  report(stage: string, percent: number, stepEndsAt?: number): void {
    this.note(stage, percent, stepEndsAt);
    // The memo keeps the last figure readable while no worker is there to answer the query.
    upsertMemo({ [PROGRESS_MEMO_KEY]: this.current, [STARTED_AT_MEMO_KEY]: this.startedAt });
  }

  /** The figure for the query and the Web UI only: for a job that closes in this same task. */
  note(stage: string, percent: number, stepEndsAt?: number): void {
    this.current = stepEndsAt === undefined ? { stage, percent } : { stage, percent, stepEndsAt };
    // Shown by the Web UI while the job runs; kept in the worker, so no command and no history event.
    setCurrentDetails(`**${stage}**, ${percent} %`);
  }
}

export function markJobState(state: JobState): void {
  upsertSearchAttributes([{ key: JOB_STATE_SEARCH_ATTRIBUTE, value: state }]);
}

export interface JobDescriptor {
  type: JobType;
  input: unknown;
  /** Undoes or flags what the job had half done: before the dead letter is recorded, or when cancelled. */
  compensate?: () => Promise<void>;
}

function errorDetails(failure: ActivityFailure): { errorType: string | null; errorMessage: string } {
  const cause = failure.cause;
  if (cause instanceof ApplicationFailure)
    return { errorType: cause.type ?? null, errorMessage: cause.message };
  return { errorType: cause?.name ?? null, errorMessage: cause?.message ?? failure.message };
}

/**
 * The compensating step: flag half-done work, record the dead letter (its own retry policy; it
 * cannot be cancelled half way), mark the run for the Web UI, and fail the job visibly.
 */
async function deadLetter(
  job: JobDescriptor,
  failure: ActivityFailure,
  progress: ProgressReporter,
): Promise<never> {
  const { workflowId, runId } = workflowInfo();
  const { deadLetterId } = await CancellationScope.nonCancellable(async () => {
    await job.compensate?.();
    return recordDeadLetter({
      jobId: workflowId,
      runId,
      jobType: job.type,
      input: job.input,
      failedStep: failure.activityType,
      ...errorDetails(failure),
    });
  });
  progress.report('dead_lettered', progress.progress.percent);
  markJobState('dead_lettered');
  throw ApplicationFailure.create({
    type: ErrorType.deadLettered,
    message: `Dead-lettered as ${deadLetterId} after ${failure.activityType} failed`,
    nonRetryable: true,
    details: [{ deadLetterId }],
    cause: failure,
  });
}

/** From this change on, a cancelled job runs its compensation and records its last stage. */
export const COMPENSATE_ON_CANCEL_PATCH = 'compensate-on-cancel';

/**
 * A cancelled job undoes what it had half done, as a dead-lettered one does, but records no dead
 * letter: someone asked for it to stop. The workflow then closes as cancelled.
 */
async function cancelled(
  job: JobDescriptor,
  cancellation: unknown,
  progress: ProgressReporter,
): Promise<never> {
  if (patched(COMPENSATE_ON_CANCEL_PATCH)) {
    await CancellationScope.nonCancellable(async () => job.compensate?.());
    progress.report('cancelled', progress.progress.percent);
  }
  markJobState('cancelled');
  throw cancellation;
}

/**
 * From this change on, a job that succeeds records nothing but its completion: the closed status
 * says `completed` to every reader (the status read, the job list, /health/jobs), and a completed
 * job reads as stage `done` at 100 %. Each upsert it no longer makes was a command, a history event
 * and a visibility update. Runs with this marker also take the render-in-delivery and
 * without-open-step paths without those patches' own markers (each one costs a marker and a
 * search-attribute update too).
 */
export const CLOSED_BY_COMPLETION_PATCH = 'closed-by-completion';

/** Which version of the job bookkeeping this run follows. */
export interface JobVersion {
  /** `CLOSED_BY_COMPLETION_PATCH`, and every path that came before it. */
  closedByCompletion: boolean;
}

/**
 * Runs a job's steps with progress and state bookkeeping. Every job workflow goes through here,
 * so that a step whose retries are exhausted (or that fails for good) is dead-lettered the same
 * way for every job type.
 */
export async function runJob<Result>(
  job: JobDescriptor,
  steps: (progress: ProgressReporter, version: JobVersion) => Promise<Result>,
): Promise<Result> {
  const version: JobVersion = { closedByCompletion: patched(CLOSED_BY_COMPLETION_PATCH) };
  const progress = new ProgressReporter();
  markJobState('running');
  try {
    const result = await steps(progress, version);
    if (version.closedByCompletion) {
      progress.note('done', 100);
    } else {
      progress.report('done', 100);
      markJobState('completed');
    }
    return result;
  } catch (error) {
    if (isCancellation(error)) return cancelled(job, error, progress);
    if (error instanceof ActivityFailure) return deadLetter(job, error, progress);
    markJobState('failed');
    throw error;
  }
}
