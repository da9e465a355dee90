// What every job workflow shares: progress that a query and the memo expose, and the JobState
// search attribute that the Web UI searches on.
import { setHandler, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import {
  JOB_STATE_SEARCH_ATTRIBUTE,
  PROGRESS_MEMO_KEY,
  progressQuery,
  type JobProgress,
  type JobState,
  type JobType,
} from '../contracts';

export class ProgressReporter {
  private current: JobProgress = { stage: 'queued', percent: 0 };

  constructor() {
    setHandler(progressQuery, () => this.current);
  }

  get progress(): JobProgress {
    return this.current;
  }

  /** `stepEndsAt`: the figure a heartbeating step reaches when it is done. */
  report(stage: string, percent: number, stepEndsAt?: number): void {
    this.current = stepEndsAt === undefined ? { stage, percent } : { stage, percent, stepEndsAt };
    // The memo keeps the last figure readable while no worker is there to answer the query.
    upsertMemo({ [PROGRESS_MEMO_KEY]: this.current });
  }
}

export function markJobState(state: JobState): void {
  upsertSearchAttributes([{ key: JOB_STATE_SEARCH_ATTRIBUTE, value: state }]);
}

export interface JobDescriptor {
  type: JobType;
  input: unknown;
}

/**
 * Runs a job's steps with progress and state bookkeeping. Every job workflow goes through here,
 * so that what happens when a job fails (dead-lettering) is the same for every job type.
 */
export async function runJob<Result>(
  _job: JobDescriptor,
  steps: (progress: ProgressReporter) => Promise<Result>,
): Promise<Result> {
  const progress = new ProgressReporter();
  markJobState('running');
  try {
    const result = await steps(progress);
    progress.report('done', 100);
    markJobState('completed');
    return result;
  } catch (error) {
    markJobState('failed');
    throw error;
  }
}
