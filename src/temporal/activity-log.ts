// Activities log with the SDK's `log` (from '@temporalio/activity'), which the worker's Runtime
// logger writes out. It names the activity's execution in its own words (workflowId,
// workflowRunId, activityType, attempt); every line also names the job in the service's words.
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

export const jobLogAttributes: ActivityInterceptorsFactory = ({ info }) => ({
  outbound: {
    getLogAttributes: (attributes, next) => {
      // Activities started outside a workflow have no execution; their own id stands in.
      const workflowId = info.workflowExecution?.workflowId ?? info.activityId;
      return next({
        ...attributes,
        jobId: workflowId,
        workflowId,
        runId: info.workflowExecution?.runId ?? '',
        activity: info.activityType,
      });
    },
  },
});
