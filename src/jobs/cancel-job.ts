// Cancelling a job: Temporal delivers the request to the workflow, which runs its compensation and
// closes as cancelled (see `runJob`). Closed jobs are refused, so that a client learns how they ended.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { JobAlreadyFinished, JobNotFound } from '../errors';

export interface CancelledJob {
  jobId: string;
  runId: string;
}

/** Asks the job's open run to cancel; idempotent while it runs. */
export async function cancelJob(client: Client, jobId: string): Promise<CancelledJob> {
  const handle = client.workflow.getHandle(jobId);
  let description;
  try {
    description = await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new JobNotFound(jobId);
    throw error;
  }
  const { runId, status } = description;
  if (status.name !== 'RUNNING') throw new JobAlreadyFinished(jobId, status.name.toLowerCase());
  try {
    await client.workflow.getHandle(jobId, runId).cancel();
  } catch (error) {
    // It closed between the two calls.
    if (error instanceof WorkflowNotFoundError) throw new JobAlreadyFinished(jobId, 'closed');
    throw error;
  }
  return { jobId, runId };
}
