// GET /health/jobs: what Sidekiq::Stats or Bull's getJobCounts() tell, read from Temporal
// visibility counts and the task queue's description. Counts only: nothing pages through workflows.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { JOB_TYPES, TASK_QUEUE, type JobType } from '../contracts';
import { describeConnectionError } from '../temporal/client';
import { isTemporalConnectionFailure } from '../temporal/errors';

export interface JobTypeCounts {
  /** Started with a delay (`runAt`, `delay`, a schedule's jitter) that has not passed yet. */
  scheduled: number;
  /** Running, not yet picked up by a worker (`JobState = "queued"`). */
  queued: number;
  /** Running and picked up; includes jobs waiting between retry attempts (see README). */
  running: number;
  completed: number;
  /** Failed, timed out, or failed without being dead-lettered. */
  failed: number;
  /** Failed runs whose compensating step recorded a dead letter (`JobState = "dead_lettered"`). */
  deadLettered: number;
  /**
   * Of those, the dead letters still waiting in the store (`GET /dead-letters?status=pending`):
   * the rest were redriven, discarded or pruned.
   */
  deadLettersPending: number;
  /** Cancelled or terminated. */
  cancelled: number;
}

export interface QueueHealth {
  /** Approximate number of tasks waiting for a worker; null when the server does not report it. */
  backlog: number | null;
  /** Age of the oldest waiting task, in seconds; null when unknown. */
  backlogAgeSeconds: number | null;
  tasksAddRate: number | null;
  tasksDispatchRate: number | null;
  /** Workers that polled this queue recently (the server keeps them a few minutes). */
  pollers: Array<{ identity: string; lastAccessTime: string | null }>;
}

export interface JobsHealthReport {
  status: 'ok' | 'unavailable';
  /** `error`: Temporal answered, but not as expected (the reason says what it said). */
  temporal: 'reachable' | 'unreachable' | 'error';
  checkedAt: string;
  jobs?: Record<JobType, JobTypeCounts>;
  totals?: JobTypeCounts;
  taskQueue?: { name: string; workflow: QueueHealth; activity: QueueHealth; workersSeen: boolean };
  reason?: string;
  address?: string;
}

/** The dead-letter store, read for what is still pending. */
export interface PendingDeadLetters {
  countPending(): Promise<Record<string, number>>;
}

export interface JobsHealthOptions {
  /** Without it, `deadLettersPending` is 0. */
  deadLetters?: PendingDeadLetters;
  /** One deadline for every call of one report. */
  timeoutMs?: number;
  taskQueue?: string;
  address?: string;
}

const DEFAULT_TIMEOUT_MS = 3_000;

const TaskQueueType = temporal.api.enums.v1.TaskQueueType;

/**
 * Like Promise.all, but waits for every call to finish before failing: no call outlives the
 * request that made it (each carries the report's deadline, so this does not wait longer).
 */
async function settleAll<T extends readonly unknown[]>(
  promises: readonly [...{ [K in keyof T]: Promise<T[K]> }],
): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

function emptyCounts(): JobTypeCounts {
  return {
    scheduled: 0,
    queued: 0,
    running: 0,
    completed: 0,
    failed: 0,
    deadLettered: 0,
    deadLettersPending: 0,
    cancelled: 0,
  };
}

function countOf(value: unknown): number {
  return Number(value ?? 0);
}

/** The value of a `GROUP BY ExecutionStatus` group, decoded from its payload. */
function groupStatus(groupValues: unknown[]): string {
  const [value] = groupValues;
  return typeof value === 'string' ? value : String(value);
}

async function countsFor(client: Client, jobType: JobType): Promise<JobTypeCounts> {
  const ofType = `WorkflowType = "${jobType}"`;
  const running = `${ofType} AND ExecutionStatus = "Running"`;
  const [byStatus, deadLettered, scheduled, queued] = await settleAll([
    client.workflow.count(`${ofType} GROUP BY ExecutionStatus`),
    client.workflow.count(`${ofType} AND ExecutionStatus = "Failed" AND JobState = "dead_lettered"`),
    client.workflow.count(`${running} AND JobState = "scheduled"`),
    client.workflow.count(`${running} AND JobState = "queued"`),
  ]);
  const counts = emptyCounts();
  for (const group of byStatus.groups) {
    const count = countOf(group.count);
    switch (groupStatus(group.groupValues)) {
      case 'Running':
        counts.running += count;
        break;
      case 'Completed':
        counts.completed += count;
        break;
      case 'Failed':
      case 'TimedOut':
        counts.failed += count;
        break;
      case 'Canceled':
      case 'Terminated':
        counts.cancelled += count;
        break;
      // ContinuedAsNew runs are followed by a run that is counted on its own.
    }
  }
  counts.deadLettered = countOf(deadLettered.count);
  counts.failed = Math.max(0, counts.failed - counts.deadLettered);
  // Visibility counts are eventually consistent: never let one query's lag make a count negative.
  counts.scheduled = Math.min(counts.running, countOf(scheduled.count));
  counts.running -= counts.scheduled;
  counts.queued = Math.min(counts.running, countOf(queued.count));
  counts.running -= counts.queued;
  return counts;
}

type Duration = temporal.api.taskqueue.v1.TaskQueueStats.$Properties['approximateBacklogAge'];

function seconds(duration: Duration): number | null {
  if (!duration) return null;
  return Number(duration.seconds ?? 0) + (duration.nanos ?? 0) / 1e9;
}

function timestamp(value: { seconds?: unknown; nanos?: number | null } | null | undefined): string | null {
  if (!value) return null;
  return new Date(Number(value.seconds ?? 0) * 1000 + Math.floor((value.nanos ?? 0) / 1e6)).toISOString();
}

async function queueHealth(
  client: Client,
  taskQueue: string,
  taskQueueType: temporal.api.enums.v1.TaskQueueType,
): Promise<QueueHealth> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType,
    reportStats: true,
  });
  const stats = response.stats;
  return {
    backlog: stats ? Number(stats.approximateBacklogCount ?? 0) : null,
    backlogAgeSeconds: stats ? (seconds(stats.approximateBacklogAge) ?? 0) : null,
    tasksAddRate: stats ? (stats.tasksAddRate ?? 0) : null,
    tasksDispatchRate: stats ? (stats.tasksDispatchRate ?? 0) : null,
    pollers: (response.pollers ?? []).map((poller) => ({
      identity: poller.identity ?? '',
      lastAccessTime: timestamp(poller.lastAccessTime),
    })),
  };
}

/** Never throws: an unreachable or slow Temporal gives `status: "unavailable"` within the deadline. */
export async function jobsHealth(client: Client, options: JobsHealthOptions = {}): Promise<JobsHealthReport> {
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  const checkedAt = new Date().toISOString();
  // Read from the service's own database, not Temporal: a failure here is not Temporal's.
  const pending = (await options.deadLetters?.countPending()) ?? {};
  try {
    const [counts, workflow, activity] = await client.withDeadline(
      Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      () =>
        settleAll([
          settleAll(JOB_TYPES.map((jobType) => countsFor(client, jobType))),
          queueHealth(client, taskQueue, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW),
          queueHealth(client, taskQueue, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY),
        ]),
    );
    counts.forEach((perType, index) => (perType.deadLettersPending = pending[JOB_TYPES[index]!] ?? 0));
    const jobs = Object.fromEntries(JOB_TYPES.map((jobType, index) => [jobType, counts[index]!])) as Record<
      JobType,
      JobTypeCounts
    >;
    const totals = emptyCounts();
    for (const perType of counts) {
      for (const key of Object.keys(totals) as Array<keyof JobTypeCounts>) totals[key] += perType[key];
    }
    return {
      status: 'ok',
      temporal: 'reachable',
      checkedAt,
      jobs,
      totals,
      taskQueue: {
        name: taskQueue,
        workflow,
        activity,
        workersSeen: workflow.pollers.length > 0 || activity.pollers.length > 0,
      },
    };
  } catch (error) {
    return {
      status: 'unavailable',
      temporal: isTemporalConnectionFailure(error) ? 'unreachable' : 'error',
      checkedAt,
      reason: describeConnectionError(error),
      ...(options.address ? { address: options.address } : {}),
    };
  }
}
