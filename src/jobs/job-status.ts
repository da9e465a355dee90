import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import {
  JOB_STATE_SEARCH_ATTRIBUTE,
  PROGRESS_MEMO_KEY,
  progressQuery,
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
  /** How long to wait for a worker to answer the progress query before using the stored figure. */
  queryTimeoutMs?: number;
}

const DEFAULT_QUERY_TIMEOUT_MS = 1_000;

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

function storedProgress(description: WorkflowExecutionDescription): JobProgress {
  const stored = description.memo?.[PROGRESS_MEMO_KEY] as JobProgress | undefined;
  return stored ?? { stage: 'queued', percent: 0 };
}

async function liveProgress(
  client: Client,
  jobId: string,
  timeoutMs: number,
): Promise<JobProgress | undefined> {
  try {
    return await client.withDeadline(Date.now() + timeoutMs, () =>
      client.workflow.getHandle(jobId).query(progressQuery),
    );
  } catch {
    return undefined; // no worker answering right now: the memo is a close second
  }
}

function highestAttempt(events: HistoryEvent[], pending: PendingActivity[]): number {
  const attempts = [
    ...events.map((event) => event.activityTaskStartedEventAttributes?.attempt ?? 0),
    ...pending.map((activity) => activity.attempt ?? 0),
  ];
  return Math.max(0, ...attempts);
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

function stateOf(
  description: WorkflowExecutionDescription,
  pending: PendingActivity[],
  startedAt: Date | undefined,
): JobState {
  switch (description.status.name) {
    case 'RUNNING':
      if (retryingActivity(pending)) return 'retrying';
      return startedAt ? 'running' : 'queued';
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

/** The status of any job, read from Temporal alone; `undefined` when no such job exists. */
export async function getJobStatus(
  client: Client,
  jobId: string,
  options: JobStatusOptions,
): Promise<JobStatus | undefined> {
  const handle = client.workflow.getHandle(jobId);
  let description: WorkflowExecutionDescription;
  try {
    description = await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
  const history = await client.workflow.getHandle(jobId, description.runId).fetchHistory();
  // Raw protos: their payloads and failure messages may be encrypted.
  const reader = PayloadReader.of(client);
  const events = await reader.events(history.events ?? []);
  const pending = await reader.pendingActivities(description.raw.pendingActivities ?? []);
  const running = description.status.name === 'RUNNING';
  const startedAt = firstWorkflowTaskStart(events);
  const state = stateOf(description, pending, startedAt);

  const progress =
    (running
      ? await liveProgress(client, jobId, options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS)
      : undefined) ?? storedProgress(description);

  return {
    jobId,
    runId: description.runId,
    type: description.type,
    state,
    stage: progress.stage,
    progress: running ? refineProgress(progress, pending) : progress.percent,
    attempts: highestAttempt(events, pending),
    result: state === 'completed' ? completedResult(events) : null,
    error: running ? lastActivityFailure(pending) : closingFailure(events),
    createdAt: description.startTime.toISOString(),
    startedAt: startedAt?.toISOString() ?? null,
    finishedAt: description.closeTime?.toISOString() ?? null,
    webUiUrl: webUiUrl(options.webUiBaseUrl, client.options.namespace, jobId, description.runId),
  };
}
