import { createHash, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import {
  JOB_ID_PREFIX,
  JOB_STATE_SEARCH_ATTRIBUTE,
  JOB_TYPE_SEARCH_ATTRIBUTE,
  PROGRESS_MEMO_KEY,
  TASK_QUEUE,
  type JobType,
} from '../contracts';
import { temporalHttpError } from '../api/errors';
import { countJobStart } from '../monitoring/metrics';

export interface StartedJob {
  jobId: string;
  /** False when an idempotency key matched a job that already exists. */
  created: boolean;
}

export interface StartJobOptions {
  idempotencyKey?: string;
  taskQueue?: string;
  /** How long to wait for Temporal; defaults to 10 s. */
  timeoutMs?: number;
}

const DEFAULT_START_TIMEOUT_MS = 10_000;

/** Same key, same job type: same workflow id. Hashed so that any header value makes a valid id. */
export function jobIdFor(jobType: JobType, idempotencyKey?: string): string {
  const prefix = JOB_ID_PREFIX[jobType];
  if (idempotencyKey === undefined) return `${prefix}-${randomUUID()}`;
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `${prefix}-key-${digest}`;
}

/**
 * Starts a job workflow. With an idempotency key, a retried request finds the job already there,
 * running or finished, and gets the same id back instead of a second job.
 */
export async function startJob(
  client: Client,
  jobType: JobType,
  args: unknown[],
  options: StartJobOptions = {},
): Promise<StartedJob> {
  const jobId = jobIdFor(jobType, options.idempotencyKey);
  try {
    await client.withDeadline(Date.now() + (options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS), () =>
      client.workflow.start(jobType, {
        taskQueue: options.taskQueue ?? TASK_QUEUE,
        workflowId: jobId,
        args,
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: new TypedSearchAttributes([
          { key: JOB_TYPE_SEARCH_ATTRIBUTE, value: jobType },
          { key: JOB_STATE_SEARCH_ATTRIBUTE, value: 'queued' },
        ]),
        memo: { [PROGRESS_MEMO_KEY]: { stage: 'queued', percent: 0 } },
      }),
    );
    countJobStart(jobType, true);
    return { jobId, created: true };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      countJobStart(jobType, false);
      return { jobId, created: false };
    }
    throw temporalHttpError(error) ?? error;
  }
}
