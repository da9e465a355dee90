import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import {
  JOB_STATE_SEARCH_ATTRIBUTE,
  PROGRESS_MEMO_KEY,
  STARTED_AT_MEMO_KEY,
  startedAtQuery,
  type JobProgress,
  type JobState,
  type StepHeartbeat,
} from '../contracts';
import { PayloadReader } from '../temporal/payload-reading';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type PendingActivity = temporal.api.workflow.v1.IPendingActivityInfo;

export interface JobStatus {
  jobId: string;
  runId: string;
  type: string;
  state: JobState;
  stage: string;
  progress: number;
  /** Running: the attempt of the step under way (0 between steps). Closed: the most any step took. */
  attempts: number;
  result: unknown;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  webUiUrl: string;
}

export interface JobStatusOptions {
  webUiBaseUrl: string;
}

/** How long a running job's query may wait for a worker (only runs begun before the memo kept their start). */
const QUERY_TIMEOUT_MS = 1_000;

export function webUiUrl(base: string, namespace: string, workflowId: string, runId: string): string {
  return `${base}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}/${runId}/history`;
}

function decodeFirst(payloads: temporal.api.common.v1.IPayloads | null | undefined): unknown {
  const payload = payloads?.payloads?.[0];
  return payload ? defaultPayloadConverter.fromPayload(payload) : null;
}

function isStepHeartbeat(value: unknown): value is StepHeartbeat {
  const candidate = value as StepHeartbeat | null;
  return typeof candidate?.done === 'number' && typeof candidate.total === 'number' && candidate.total > 0;
}

/** Between the workflow's own stage figures, a heartbeating step moves the bar. */
export function refineProgress(progress: JobProgress, pending: PendingActivity[]): number {
  if (progress.stepEndsAt === undefined) return progress.percent;
  for (const activity of pending) {
    const heartbeat = decodeFirst(activity.heartbeatDetails);
    if (isStepHeartbeat(heartbeat)) {
      const share = Math.min(1, heartbeat.done / heartbeat.total);
      return Math.floor(progress.percent + (progress.stepEndsAt - progress.percent) * share);
    }
  }
  return progress.percent;
}

/** What the workflow keeps in its memo at every progress report: the current figure, always. */
interface StoredState {
  progress: JobProgress;
  startedAt?: number;
}

function storedState(description: WorkflowExecutionDescription): StoredState {
  const memo = description.memo ?? {};
  return {
    progress: (memo[PROGRESS_MEMO_KEY] as JobProgress | undefined) ?? { stage: 'queued', percent: 0 },
    startedAt: memo[STARTED_AT_MEMO_KEY] as number | undefined,
  };
}

/** A worker has run the job's first workflow task, which marks it running. */
function hasStarted(description: WorkflowExecutionDescription): boolean {
  const marked = description.typedSearchAttributes.get(JOB_STATE_SEARCH_ATTRIBUTE);
  return marked !== undefined && marked !== 'queued' && marked !== 'scheduled';
}

/**
 * A job started with a start delay has no workflow task at all until the delay has passed; then
 * its first one is scheduled and it waits in the queue like any other.
 */
function isDelayed(description: WorkflowExecutionDescription): boolean {
  const marked = description.typedSearchAttributes.get(JOB_STATE_SEARCH_ATTRIBUTE);
  return marked === 'scheduled' && !description.raw.pendingWorkflowTask;
}

function waitingState(description: WorkflowExecutionDescription): JobState {
  return isDelayed(description) ? 'scheduled' : 'queued';
}

async function queriedStartedAt(
  client: Client,
  description: WorkflowExecutionDescription,
): Promise<number | undefined> {
  try {
    return await client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () =>
      client.workflow.getHandle(description.workflowId, description.runId).query(startedAtQuery),
    );
  } catch {
    return undefined; // no worker answering right now
  }
}

/** The memo has it all, except for runs begun before it kept the start time: their workflow knows it. */
async function runningState(client: Client, description: WorkflowExecutionDescription): Promise<StoredState> {
  const stored = storedState(description);
  if (stored.startedAt !== undefined || !hasStarted(description)) return stored;
  return { ...stored, startedAt: await queriedStartedAt(client, description) };
}

function highestAttempt(events: HistoryEvent[]): number {
  return Math.max(0, ...events.map((event) => event.activityTaskStartedEventAttributes?.attempt ?? 0));
}

function firstWorkflowTaskStart(events: HistoryEvent[]): Date | undefined {
  const started = events.find((event) => event.workflowTaskStartedEventAttributes);
  return optionalTsToDate(started?.eventTime);
}

type Failure = temporal.api.failure.v1.IFailure;

/** "Activity task failed" says little: the innermost cause is what a person needs to read. */
export function describeFailure(failure: Failure): string {
  let innermost = failure;
  while (innermost.cause) innermost = innermost.cause;
  const outer = failure.message ?? 'failed';
  if (innermost === failure || !innermost.message || outer.includes(innermost.message)) return outer;
  return `${outer}: ${innermost.message}`;
}

function closingFailure(events: HistoryEvent[]): string | null {
  for (const event of events) {
    const failure = event.workflowExecutionFailedEventAttributes?.failure;
    if (failure) return describeFailure(failure);
    if (event.workflowExecutionTimedOutEventAttributes) return 'Job timed out';
    if (event.workflowExecutionCanceledEventAttributes) return 'Job was cancelled';
    if (event.workflowExecutionTerminatedEventAttributes) {
      return `Job was terminated: ${event.workflowExecutionTerminatedEventAttributes.reason || 'no reason given'}`;
    }
  }
  return null;
}

function completedResult(events: HistoryEvent[]): unknown {
  const completed = events.find((event) => event.workflowExecutionCompletedEventAttributes);
  return decodeFirst(completed?.workflowExecutionCompletedEventAttributes?.result);
}

const SCHEDULED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED;

/** An activity that has failed and is waiting for its next attempt (not one running a retry). */
function retryingActivity(pending: PendingActivity[]): PendingActivity | undefined {
  return pending.find(
    (activity) => (activity.attempt ?? 1) > 1 && activity.lastFailure && activity.state === SCHEDULED,
  );
}

function lastActivityFailure(pending: PendingActivity[]): string | null {
  const failure = pending.find((activity) => activity.lastFailure)?.lastFailure;
  return failure ? describeFailure(failure) : null;
}

function closedState(description: WorkflowExecutionDescription): JobState {
  switch (description.status.name) {
    case 'COMPLETED':
      return 'completed';
    case 'CANCELLED':
    case 'TERMINATED':
      return 'cancelled';
    default: {
      const marked = description.typedSearchAttributes.get(JOB_STATE_SEARCH_ATTRIBUTE);
      return marked === 'dead_lettered' ? 'dead_lettered' : 'failed';
    }
  }
}

type StatusFields = Pick<JobStatus, 'jobId' | 'runId' | 'type' | 'createdAt' | 'finishedAt' | 'webUiUrl'>;

function describedFields(
  client: Client,
  description: WorkflowExecutionDescription,
  options: JobStatusOptions,
): StatusFields {
  const { workflowId, runId } = description;
  return {
    jobId: workflowId,
    runId,
    type: description.type,
    createdAt: description.startTime.toISOString(),
    finishedAt: description.closeTime?.toISOString() ?? null,
    webUiUrl: webUiUrl(options.webUiBaseUrl, client.options.namespace, workflowId, runId),
  };
}

/** A running job is read from its description alone: memo, search attributes, pending activities. */
async function runningStatus(
  client: Client,
  description: WorkflowExecutionDescription,
  options: JobStatusOptions,
): Promise<JobStatus> {
  // Raw protos: their heartbeat details and failure messages may be encrypted.
  const pending = await PayloadReader.of(client).pendingActivities(description.raw.pendingActivities ?? []);
  const { progress, startedAt } = await runningState(client, description);
  const started = startedAt !== undefined || hasStarted(description);
  return {
    ...describedFields(client, description, options),
    state: retryingActivity(pending) ? 'retrying' : started ? 'running' : waitingState(description),
    stage: progress.stage,
    progress: refineProgress(progress, pending),
    attempts: Math.max(0, ...pending.map((activity) => activity.attempt ?? 0)),
    result: null,
    error: lastActivityFailure(pending),
    startedAt: startedAt === undefined ? null : new Date(startedAt).toISOString(),
  };
}

/**
 * Every job reports `done` at 100 % as it completes; runs since closed-by-completion keep that
 * figure out of the memo (src/workflows/job-lifecycle.ts), so it is read from the status itself.
 */
const COMPLETED_PROGRESS: JobProgress = { stage: 'done', percent: 100 };

/** A closed job's history no longer grows; its result, failure and attempts are read from it. */
async function closedStatus(
  client: Client,
  description: WorkflowExecutionDescription,
  options: JobStatusOptions,
): Promise<JobStatus> {
  const history = await client.workflow.getHandle(description.workflowId, description.runId).fetchHistory();
  // Raw protos: their payloads and failure messages may be encrypted.
  const events = await PayloadReader.of(client).events(history.events ?? []);
  const state = closedState(description);
  const progress = state === 'completed' ? COMPLETED_PROGRESS : storedState(description).progress;
  return {
    ...describedFields(client, description, options),
    state,
    stage: progress.stage,
    progress: progress.percent,
    attempts: highestAttempt(events),
    result: state === 'completed' ? completedResult(events) : null,
    error: closingFailure(events),
    startedAt: firstWorkflowTaskStart(events)?.toISOString() ?? null,
  };
}

/** The status of any job, read from Temporal alone; `undefined` when no such job exists. */
export async function getJobStatus(
  client: Client,
  jobId: string,
  options: JobStatusOptions,
): Promise<JobStatus | undefined> {
  let description: WorkflowExecutionDescription;
  try {
    description = await client.workflow.getHandle(jobId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
  const read = description.status.name === 'RUNNING' ? runningStatus : closedStatus;
  return read(client, description, options);
}
