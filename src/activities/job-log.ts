// Log lines about a job carry the same identifiers everywhere: jobId (the workflow id, which is
// what the API hands out), workflowId and runId, plus the activity and its attempt.
import { Context } from '@temporalio/activity';
import { silentLogger, type Logger } from '../logger';

export interface JobLogFields {
  jobId: string;
  workflowId: string;
  runId: string;
  activity: string;
  attempt: number;
}

/** The identifiers of the job whose activity is running now. Only callable inside an activity. */
export function jobLogFields(): JobLogFields {
  const { info } = Context.current();
  // Activities started outside a workflow have no execution; their own id stands in.
  const workflowId = info.workflowExecution?.workflowId ?? info.activityId;
  return {
    jobId: workflowId,
    workflowId,
    runId: info.workflowExecution?.runId ?? '',
    activity: info.activityType,
    attempt: info.attempt,
  };
}

/** A logger for the running activity's job: every line it writes names the job. */
export function activityLogger(logger: Logger | undefined): Logger {
  return (logger ?? silentLogger).child(jobLogFields());
}
