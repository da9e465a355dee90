// Recurring jobs as Temporal Schedules: the schedule starts the job type's workflow on its cron
// or interval, with the same id prefix, search attributes and memo as a job started through the
// API. A job schedule is a schedule whose memo carries `JOB_SCHEDULE_MEMO_KEY`; other schedules
// (the retention sweep) are not listed and not found here.
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type Client,
  type ScheduleDescription,
  type ScheduleHandle,
  type ScheduleSummary,
} from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import {
  JOB_ID_PREFIX,
  JOB_STATE_SEARCH_ATTRIBUTE,
  JOB_TYPE_SEARCH_ATTRIBUTE,
  PROGRESS_MEMO_KEY,
  TASK_QUEUE,
  type JobType,
} from '../contracts';
import { parseDuration } from '../duration';
import { InvalidInput, ScheduleIdTaken, ScheduleNotFound } from '../errors';
import type { JobInputPreparers, RequestContext } from '../jobs/job-inputs';
import { temporalFailure } from '../temporal/errors';

export const OVERLAP_POLICIES = {
  skip: 'SKIP',
  bufferOne: 'BUFFER_ONE',
  bufferAll: 'BUFFER_ALL',
  cancelOther: 'CANCEL_OTHER',
  terminateOther: 'TERMINATE_OTHER',
  allowAll: 'ALLOW_ALL',
} as const;
export type OverlapName = keyof typeof OVERLAP_POLICIES;
export const OVERLAP_NAMES = Object.keys(OVERLAP_POLICIES) as OverlapName[];

/** The schedule's memo key: the job type and the timing as the client wrote it. */
export const JOB_SCHEDULE_MEMO_KEY = 'jobSchedule';

interface JobScheduleMemo {
  jobType: JobType;
  cron?: string;
  every?: string;
}

export interface NewJobSchedule {
  id: string;
  jobType: JobType;
  /** The body a request to start this job type would have. */
  input: Record<string, unknown>;
  cron?: string;
  every?: string;
  overlap?: OverlapName;
}

export interface ScheduledRun {
  jobId: string;
  scheduledAt: string;
  startedAt: string;
}

export interface JobScheduleView {
  id: string;
  jobType: JobType;
  cron: string | null;
  every: string | null;
  paused: boolean;
  note: string | null;
  /** The next few times it fires. */
  nextRunsAt: string[];
  /** The jobs it started most recently, oldest first. */
  recentJobs: ScheduledRun[];
}

export interface JobScheduleDetail extends JobScheduleView {
  /** What happens when a run is due while the previous one still runs. */
  overlap: OverlapName;
  /** The workflow input each job gets. */
  input: unknown;
}

/** Every one of a schedule's jobs has an id `<prefix>-schedule-<id>-<time it was due>`. */
export function scheduledJobIdPrefix(jobType: JobType, scheduleId: string): string {
  return `${JOB_ID_PREFIX[jobType]}-schedule-${scheduleId}`;
}

function invalid(field: string, message: string): InvalidInput {
  return new InvalidInput(`Invalid input: '${field}' ${message}`, { field, location: 'body' });
}

/** The schedule spec: exactly one of cron and every. */
function specOf(request: NewJobSchedule): { cronExpressions: string[] } | { intervals: { every: number }[] } {
  if (request.cron !== undefined && request.every !== undefined) {
    throw invalid('every', 'cannot be given together with cron');
  }
  if (request.cron !== undefined) return { cronExpressions: [request.cron] };
  if (request.every === undefined) throw invalid('cron', 'or every is required');
  const every = parseDuration(request.every);
  if (every === undefined || every < 1_000) {
    throw invalid('every', 'must be a duration of at least a second, such as 90s, 15m or 1d');
  }
  return { intervals: [{ every }] };
}

function memoOf(description: Pick<ScheduleSummary, 'memo'>): JobScheduleMemo | undefined {
  return description.memo?.[JOB_SCHEDULE_MEMO_KEY] as JobScheduleMemo | undefined;
}

/** The client turns the server's INVALID_ARGUMENT (a cron it cannot parse) into a TypeError. */
function refusedSpec(error: unknown, request: NewJobSchedule): InvalidInput | undefined {
  if (!(error instanceof TypeError)) return undefined;
  return invalid(request.cron !== undefined ? 'cron' : 'every', `is refused: ${error.message}`);
}

function overlapNameOf(policy: string | undefined): OverlapName {
  return OVERLAP_NAMES.find((name) => OVERLAP_POLICIES[name] === policy) ?? 'skip';
}

function viewOf(
  scheduleId: string,
  memo: JobScheduleMemo,
  summary: Pick<ScheduleSummary, 'state' | 'info'>,
): JobScheduleView {
  return {
    id: scheduleId,
    jobType: memo.jobType,
    cron: memo.cron ?? null,
    every: memo.every ?? null,
    paused: summary.state.paused,
    note: summary.state.note || null,
    nextRunsAt: summary.info.nextActionTimes.map((time) => time.toISOString()),
    recentJobs: summary.info.recentActions.map((run) => ({
      jobId: run.action.workflow.workflowId,
      scheduledAt: run.scheduledAt.toISOString(),
      startedAt: run.takenAt.toISOString(),
    })),
  };
}

function detailOf(description: ScheduleDescription, memo: JobScheduleMemo): JobScheduleDetail {
  const action = description.action;
  return {
    ...viewOf(description.scheduleId, memo, description),
    overlap: overlapNameOf(description.policies.overlap),
    input: action.type === 'startWorkflow' ? (action.args?.[0] ?? null) : null,
  };
}

/** The job input as a new request would be prepared; a field to fix is named under `input.`. */
async function preparedInput(
  preparers: JobInputPreparers,
  request: NewJobSchedule,
  context: RequestContext,
): Promise<unknown> {
  try {
    return await preparers[request.jobType](request.input, undefined, context);
  } catch (error) {
    if (!(error instanceof InvalidInput) || typeof error.details.field !== 'string') throw error;
    const field = error.details.field ? `input.${error.details.field}` : 'input';
    throw new InvalidInput(error.message, { ...error.details, field });
  }
}

export interface JobSchedules {
  create(request: NewJobSchedule, context: RequestContext): Promise<JobScheduleDetail>;
  list(): Promise<JobScheduleView[]>;
  get(id: string): Promise<JobScheduleDetail>;
  pause(id: string, note?: string): Promise<JobScheduleDetail>;
  resume(id: string, note?: string): Promise<JobScheduleDetail>;
  /** Starts one job now, whatever the overlap policy says. */
  trigger(id: string): Promise<void>;
  delete(id: string): Promise<void>;
}

/** Temporal's errors as the domain's: an unknown id is ScheduleNotFound, a server fault stays one. */
async function onSchedule<T>(scheduleId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) throw new ScheduleNotFound(scheduleId);
    throw temporalFailure(error) ?? error;
  }
}

export function createJobSchedules(client: Client, preparers: JobInputPreparers): JobSchedules {
  /** The handle of a job schedule, with its description; ScheduleNotFound for any other id. */
  async function described(
    id: string,
  ): Promise<{ handle: ScheduleHandle; description: ScheduleDescription; memo: JobScheduleMemo }> {
    const handle = client.schedule.getHandle(id);
    const description = await onSchedule(id, () => handle.describe());
    const memo = memoOf(description);
    if (!memo) throw new ScheduleNotFound(id);
    return { handle, description, memo };
  }

  async function get(id: string): Promise<JobScheduleDetail> {
    const { description, memo } = await described(id);
    return detailOf(description, memo);
  }

  async function create(request: NewJobSchedule, context: RequestContext): Promise<JobScheduleDetail> {
    const spec = specOf(request);
    // Checked and prepared as a new request of this type would be, once, when the schedule is made.
    const input = await preparedInput(preparers, request, context);
    const memo: JobScheduleMemo = { jobType: request.jobType, cron: request.cron, every: request.every };
    try {
      await client.schedule.create({
        scheduleId: request.id,
        spec,
        memo: { [JOB_SCHEDULE_MEMO_KEY]: memo },
        policies: { overlap: OVERLAP_POLICIES[request.overlap ?? 'skip'] },
        action: {
          type: 'startWorkflow',
          workflowType: request.jobType,
          workflowId: scheduledJobIdPrefix(request.jobType, request.id),
          taskQueue: TASK_QUEUE,
          args: [input],
          typedSearchAttributes: new TypedSearchAttributes([
            { key: JOB_TYPE_SEARCH_ATTRIBUTE, value: request.jobType },
            { key: JOB_STATE_SEARCH_ATTRIBUTE, value: 'queued' },
          ]),
          memo: { [PROGRESS_MEMO_KEY]: { stage: 'queued', percent: 0 } },
        },
      });
    } catch (error) {
      if (error instanceof ScheduleAlreadyRunning) throw new ScheduleIdTaken(request.id);
      throw refusedSpec(error, request) ?? temporalFailure(error) ?? error;
    }
    return get(request.id);
  }

  async function list(): Promise<JobScheduleView[]> {
    const views: JobScheduleView[] = [];
    await onSchedule('', async () => {
      for await (const summary of client.schedule.list()) {
        const memo = memoOf(summary);
        if (memo) views.push(viewOf(summary.scheduleId, memo, summary));
      }
    });
    return views.sort((a, b) => a.id.localeCompare(b.id));
  }

  async function pause(id: string, note = 'Paused through durable-jobs'): Promise<JobScheduleDetail> {
    const { handle } = await described(id);
    await onSchedule(id, () => handle.pause(note));
    return get(id);
  }

  async function resume(id: string, note = 'Resumed through durable-jobs'): Promise<JobScheduleDetail> {
    const { handle } = await described(id);
    await onSchedule(id, () => handle.unpause(note));
    return get(id);
  }

  async function trigger(id: string): Promise<void> {
    const { handle } = await described(id);
    await onSchedule(id, () => handle.trigger(OVERLAP_POLICIES.allowAll));
  }

  async function remove(id: string): Promise<void> {
    const { handle } = await described(id);
    await onSchedule(id, () => handle.delete());
  }

  return { create, list, get, pause, resume, trigger, delete: remove };
}
