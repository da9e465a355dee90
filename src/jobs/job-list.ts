// Jobs listed from Temporal visibility, a page at a time: what Bull Board's or Sidekiq Web's job
// lists show. One visibility call per page; nothing is described per job, and no input is read.
import { createHash } from 'node:crypto';
import { status as grpcStatus } from '@grpc/grpc-js';
import { isGrpcServiceError, type Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { JOB_STATE_SEARCH_ATTRIBUTE, JOB_TYPES, type JobState, type JobType } from '../contracts';
import { InvalidInput } from '../errors';
import { webUiUrl } from './job-status';

/** Every state but `retrying`, which visibility cannot tell from `running` (a pending activity's). */
export const LISTABLE_STATES = [
  'scheduled',
  'queued',
  'running',
  'completed',
  'failed',
  'dead_lettered',
  'cancelled',
] as const satisfies readonly JobState[];
export type ListableState = (typeof LISTABLE_STATES)[number];

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface JobListFilter {
  type?: JobType;
  state?: ListableState;
  /** Jobs created (started) strictly after this instant. */
  createdAfter?: Date;
}

export interface JobListRequest extends JobListFilter {
  /** The previous page's `nextCursor`. */
  cursor?: string;
  limit?: number;
}

export interface JobListItem {
  jobId: string;
  runId: string;
  type: string;
  state: JobState;
  createdAt: string;
  finishedAt: string | null;
  webUiUrl: string;
}

export interface JobListPage {
  items: JobListItem[];
  nextCursor: string | null;
}

export interface JobListOptions {
  webUiBaseUrl: string;
}

const Status = temporal.api.enums.v1.WorkflowExecutionStatus;

/** What each state means in visibility terms; the same split as `/health/jobs` counts. */
const STATE_CLAUSES: Record<ListableState, string> = {
  scheduled: 'ExecutionStatus = "Running" AND JobState = "scheduled"',
  queued: 'ExecutionStatus = "Running" AND JobState = "queued"',
  running: 'ExecutionStatus = "Running" AND JobState != "queued" AND JobState != "scheduled"',
  completed: 'ExecutionStatus = "Completed"',
  failed: '(ExecutionStatus = "Failed" OR ExecutionStatus = "TimedOut") AND JobState != "dead_lettered"',
  dead_lettered: 'ExecutionStatus = "Failed" AND JobState = "dead_lettered"',
  cancelled: '(ExecutionStatus = "Canceled" OR ExecutionStatus = "Terminated")',
};

/**
 * A value inside a visibility query. Callers pass only values drawn from fixed sets or produced by
 * this program (a job type, an ISO date); this refuses anything that could close
 * the quotes, so that no parameter can ever change the query's shape.
 */
export function quoted(value: string): string {
  if (!/^[A-Za-z0-9_.:+-]+$/.test(value)) throw new Error(`not a safe visibility value: ${value}`);
  return `"${value}"`;
}

/** By workflow type, not task queue: a job type may get a queue of its own (rate limits, pauses). */
export function visibilityQuery(filter: JobListFilter): string {
  const types = filter.type ? [filter.type] : JOB_TYPES;
  const clauses = [`(${types.map((type) => `WorkflowType = ${quoted(type)}`).join(' OR ')})`];
  if (filter.state) clauses.push(STATE_CLAUSES[filter.state]);
  // Start times carry nanoseconds, the listed createdAt milliseconds: "after" a listed createdAt
  // means from its next millisecond on, so the job it was read from is not listed again.
  if (filter.createdAfter) {
    const from = new Date(filter.createdAfter.getTime() + 1);
    clauses.push(`StartTime >= ${quoted(from.toISOString())}`);
  }
  return clauses.join(' AND ');
}

type ExecutionInfo = temporal.api.workflow.v1.IWorkflowExecutionInfo;

function markedState(info: ExecutionInfo): string | undefined {
  const payload = info.searchAttributes?.indexedFields?.[JOB_STATE_SEARCH_ATTRIBUTE.name];
  return payload ? String(defaultPayloadConverter.fromPayload(payload)) : undefined;
}

/** The job state from visibility alone: `retrying` needs the pending activities, so it reads `running`. */
export function listedState(info: ExecutionInfo): JobState {
  switch (info.status) {
    case Status.WORKFLOW_EXECUTION_STATUS_RUNNING: {
      const marked = markedState(info);
      return marked === 'queued' || marked === 'scheduled' ? marked : 'running';
    }
    case Status.WORKFLOW_EXECUTION_STATUS_COMPLETED:
      return 'completed';
    case Status.WORKFLOW_EXECUTION_STATUS_CANCELED:
    case Status.WORKFLOW_EXECUTION_STATUS_TERMINATED:
      return 'cancelled';
    default:
      return markedState(info) === 'dead_lettered' ? 'dead_lettered' : 'failed';
  }
}

function item(client: Client, info: ExecutionInfo, options: JobListOptions): JobListItem {
  const jobId = info.execution?.workflowId ?? '';
  const runId = info.execution?.runId ?? '';
  return {
    jobId,
    runId,
    type: info.type?.name ?? '',
    state: listedState(info),
    createdAt: optionalTsToDate(info.startTime)?.toISOString() ?? '',
    finishedAt: optionalTsToDate(info.closeTime)?.toISOString() ?? null,
    webUiUrl: webUiUrl(options.webUiBaseUrl, client.options.namespace, jobId, runId),
  };
}

/**
 * The cursor is Temporal's token with a check bound to the query: a corrupted cursor, or one from a
 * list with other filters, is refused here instead of reaching the server.
 */
function check(query: string, token: Uint8Array): string {
  return createHash('sha256').update(query).update('\n').update(token).digest('base64url').slice(0, 16);
}

export function cursorOf(query: string, token: Uint8Array): string {
  return `${Buffer.from(token).toString('base64url')}.${check(query, token)}`;
}

function pageToken(query: string, cursor: string | undefined): Buffer | undefined {
  if (cursor === undefined) return undefined;
  const [encoded = '', given, ...rest] = cursor.split('.');
  const token = Buffer.from(encoded, 'base64url');
  if (token.length === 0 || rest.length > 0 || given !== check(query, token)) throw badCursor();
  return token;
}

function badCursor(): InvalidInput {
  return new InvalidInput("Invalid querystring: 'cursor' is not a cursor this list gave with these filters", {
    field: 'cursor',
    location: 'querystring',
  });
}

/**
 * A page of jobs in visibility's order: open runs first, newest first, then closed runs by when
 * they closed, newest first. The cursor wraps Temporal's own next-page token, opaque to clients.
 */
export async function listJobs(
  client: Client,
  request: JobListRequest,
  options: JobListOptions,
): Promise<JobListPage> {
  const query = visibilityQuery(request);
  const nextPageToken = pageToken(query, request.cursor);
  try {
    const response = await client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      query,
      pageSize: Math.min(MAX_PAGE_SIZE, request.limit ?? DEFAULT_PAGE_SIZE),
      nextPageToken,
    });
    const token = response.nextPageToken;
    return {
      items: (response.executions ?? []).map((info) => item(client, info, options)),
      nextCursor: token && token.length > 0 ? cursorOf(query, token) : null,
    };
  } catch (error) {
    // A token Temporal cannot read is the client's mistake, not the server's.
    if (nextPageToken && isGrpcServiceError(error) && error.code === grpcStatus.INVALID_ARGUMENT) {
      throw badCursor();
    }
    throw error;
  }
}
