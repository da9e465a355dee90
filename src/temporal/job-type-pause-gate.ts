// The worker's side of pausing a job type: a step of a paused type pauses itself in Temporal
// (Temporal's activity pause) instead of running. A paused activity is not dispatched again until
// it is unpaused, so it holds no worker slot and waits in Temporal however long the pause lasts;
// resuming the type unpauses its activities with their attempts reset (`resumeJobType`).
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import type { JobTypePauseStore } from '../jobs/job-type-pauses';

export const JOB_TYPE_PAUSED = 'JobTypePaused';

type WorkflowService = temporal.api.workflowservice.v1.WorkflowService;

export function jobTypePauseGate(
  pauses: JobTypePauseStore,
  workflowService: WorkflowService,
  identity: string,
): ActivityInterceptorsFactory {
  return ({ info }) => ({
    inbound: {
      execute: async (input, next) => {
        const jobType = info.workflowType;
        if (!jobType || !info.workflowExecution || !(await pauses.isPaused(jobType))) return next(input);
        const activity = {
          namespace: info.workflowNamespace,
          execution: { workflowId: info.workflowExecution.workflowId, runId: info.workflowExecution.runId },
          id: info.activityId,
          identity,
        };
        await workflowService.pauseActivity({ ...activity, reason: `job type ${jobType} is paused` });
        // Resumed between the check and the pause: the resume's sweep may have missed this one.
        if (!(await pauses.isPaused(jobType))) {
          await workflowService.unpauseActivity({ ...activity, resetAttempts: true });
        }
        // The failed attempt is not retried while paused; resuming resets the attempt count.
        throw ApplicationFailure.retryable(`job type ${jobType} is paused`, JOB_TYPE_PAUSED);
      },
    },
  });
}
