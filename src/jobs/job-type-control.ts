// Pausing and resuming a job type: jobs of a paused type are accepted and started as usual, and
// their steps wait in Temporal (see `jobTypePauseGate`); resuming lets them all go on, none lost.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { JOB_TYPE_SEARCH_ATTRIBUTE, type JobType } from '../contracts';
import { temporalFailure } from '../temporal/errors';
import type { JobTypePause, JobTypePauseStore } from './job-type-pauses';

export interface JobTypeState {
  jobType: JobType;
  paused: boolean;
  pausedAt: string | null;
  pausedBy: string | null;
}

export interface JobTypeControl {
  pause(jobType: JobType, by: string): Promise<JobTypeState>;
  resume(jobType: JobType): Promise<JobTypeState>;
  pausedTypes(): Promise<JobTypePause[]>;
}

const RESUME_IDENTITY = 'durable-jobs resume';

export function createJobTypeControl(client: Client, store: JobTypePauseStore): JobTypeControl {
  async function stateOf(jobType: JobType): Promise<JobTypeState> {
    const pause = (await store.list()).find((entry) => entry.jobType === jobType);
    return {
      jobType,
      paused: pause !== undefined,
      pausedAt: pause?.pausedAt ?? null,
      pausedBy: pause?.pausedBy ?? null,
    };
  }

  /** Unpauses every paused step of the type's running jobs, with a fresh attempt count. */
  async function unpauseSteps(jobType: JobType): Promise<void> {
    try {
      await client.workflowService.startBatchOperation({
        namespace: client.options.namespace,
        jobId: `resume-${jobType}-${randomUUID()}`,
        reason: `job type ${jobType} resumed`,
        visibilityQuery: `${JOB_TYPE_SEARCH_ATTRIBUTE.name} = "${jobType}" AND ExecutionStatus = "Running"`,
        unpauseActivitiesOperation: { identity: RESUME_IDENTITY, matchAll: true, resetAttempts: true },
      });
    } catch (error) {
      throw temporalFailure(error) ?? error;
    }
  }

  return {
    async pause(jobType, by) {
      await store.pause(jobType, by);
      return stateOf(jobType);
    },
    async resume(jobType) {
      await store.resume(jobType);
      // Also when it was not paused: steps left paused by an earlier, interrupted resume go on.
      await unpauseSteps(jobType);
      return stateOf(jobType);
    },
    pausedTypes: () => store.list(),
  };
}
