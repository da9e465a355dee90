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
import { countJobStart } from '../monitoring/metrics';
import { temporalFailure } from '../temporal/errors';
import { emailMetadata, uploadMetadata, type JobMetadata } from '../workflows/job-summary';
import { JOB_WORKFLOWS, jobTypeOf, type JobInput, type JobWorkflow } from './job-workflows';

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
  /** Temporal's start delay: the job is `scheduled` until it has passed. */
  startDelayMs?: number;
  /** Temporal's priority key, 1 (first) to 5; the job's steps inherit it. */
  priority?: number;
}

const DEFAULT_START_TIMEOUT_MS = 10_000;

/** What the Web UI shows for each job type; encoded by the payload codec like the input. */
const JOB_METADATA: { [T in JobType]: (input: JobInput<T>) => JobMetadata } = {
  processUpload: uploadMetadata,
  sendEmail: emailMetadata,
};

export function jobMetadata<T extends JobType>(jobType: T, input: JobInput<T>): JobMetadata {
  return JOB_METADATA[jobType](input);
}

/** Same key, same job type: same workflow id. Hashed so that any header value makes a valid id. */
export function jobIdFor(jobType: JobType, idempotencyKey?: string): string {
  const prefix = JOB_ID_PREFIX[jobType];
  if (idempotencyKey === undefined) return `${prefix}-${randomUUID()}`;
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `${prefix}-key-${digest}`;
}

/**
 * Starts a job by its workflow function, so that tsc checks the input against what the workflow
 * takes. With an idempotency key, a retried request finds the job already there, running or
 * finished, and gets the same id back instead of a second job.
 */
export async function startJob<W extends JobWorkflow>(
  client: Client,
  workflow: W,
  input: Parameters<W>[0],
  options: StartJobOptions = {},
): Promise<StartedJob> {
  const jobType = jobTypeOf(workflow);
  const jobId = jobIdFor(jobType, options.idempotencyKey);
  const { summary, details } = jobMetadata(jobType, input as JobInput<typeof jobType>);
  const initialState = options.startDelayMs === undefined ? 'queued' : 'scheduled';
  try {
    await client.withDeadline(Date.now() + (options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS), () =>
      client.workflow.start(workflow, {
        taskQueue: options.taskQueue ?? TASK_QUEUE,
        workflowId: jobId,
        args: [input] as Parameters<W>,
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        ...(options.startDelayMs === undefined ? {} : { startDelay: options.startDelayMs }),
        ...(options.priority === undefined ? {} : { priority: { priorityKey: options.priority } }),
        typedSearchAttributes: new TypedSearchAttributes([
          { key: JOB_TYPE_SEARCH_ATTRIBUTE, value: jobType },
          { key: JOB_STATE_SEARCH_ATTRIBUTE, value: initialState },
        ]),
        memo: { [PROGRESS_MEMO_KEY]: { stage: initialState, percent: 0 } },
        staticSummary: summary,
        staticDetails: details,
      }),
    );
    countJobStart(jobType, true);
    return { jobId, created: true };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      countJobStart(jobType, false);
      return { jobId, created: false };
    }
    throw temporalFailure(error) ?? error;
  }
}

/** Starts a job named by its type (a redrive, an outbox entry), with an input checked for that type. */
export function startJobOfType<T extends JobType>(
  client: Client,
  jobType: T,
  input: JobInput<T>,
  options: StartJobOptions = {},
): Promise<StartedJob> {
  const workflow: JobWorkflow = JOB_WORKFLOWS[jobType];
  return startJob(client, workflow, input as never, options);
}
