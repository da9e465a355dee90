// Listing jobs (`jobs list`) and cancelling one (`cancel`), over GET /jobs and POST /jobs/:id/cancel.
import { JOB_STATES, JOB_TYPES } from '../contracts';
import {
  jsonOption as json,
  print,
  printJson,
  UsageError,
  type CommandContext,
  type CommandSpec,
} from './command-spec';
import { formatTable } from './views';

const MAX_PAGE = 100;
/** `retrying` is not a filter: the list cannot tell it from `running`. */
const LISTABLE_STATES = JOB_STATES.filter((state) => state !== 'retrying');

export interface JobListItemBody {
  jobId: string;
  runId: string;
  type: string;
  state: string;
  createdAt: string;
  finishedAt: string | null;
  webUiUrl: string;
}

export interface JobListPageBody {
  items: JobListItemBody[];
  nextCursor: string | null;
}

function limitOption(context: CommandContext): number | undefined {
  const raw = context.options.limit;
  if (raw === undefined) return undefined;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_PAGE}, got "${String(raw)}"`);
  }
  return limit;
}

function listQuery(context: CommandContext): URLSearchParams {
  const query = new URLSearchParams();
  const { type, state, cursor } = context.options;
  const limit = limitOption(context);
  if (typeof type === 'string') query.set('type', type);
  if (typeof state === 'string') query.set('state', state);
  if (limit !== undefined) query.set('limit', String(limit));
  if (typeof cursor === 'string') query.set('cursor', cursor);
  return query;
}

/** Seconds precision is what a person compares; the JSON output keeps the milliseconds. */
const shortTime = (iso: string | null) => (iso ? iso.replace(/\.\d+Z$/, 'Z') : '-');

export function jobTable(items: JobListItemBody[]): string {
  return formatTable(
    ['JOB ID', 'TYPE', 'STATE', 'CREATED', 'FINISHED'],
    items.map((item) => [
      item.jobId,
      item.type,
      item.state,
      shortTime(item.createdAt),
      shortTime(item.finishedAt),
    ]),
  );
}

const list: CommandSpec = {
  name: 'jobs list',
  args: [],
  summary: 'list jobs, running ones first, newest first',
  options: {
    type: { type: 'string', valueName: 'TYPE', description: 'only this job type', allowed: JOB_TYPES },
    state: { type: 'string', valueName: 'STATE', description: 'only this state', allowed: LISTABLE_STATES },
    limit: { type: 'string', valueName: 'N', description: `at most N jobs (1-${MAX_PAGE}, default 20)` },
    cursor: { type: 'string', valueName: 'CURSOR', description: 'the next page, as the previous one said' },
    ...json,
  },
  details: ['Retrying jobs are listed as running; `durable-jobs status <jobId>` tells them apart.'],
  async run(context) {
    const query = listQuery(context);
    const page = await context.api.json<JobListPageBody>(`/jobs${query.size ? `?${query}` : ''}`);
    if (context.options.json) {
      printJson(page);
      return 0;
    }
    print(page.items.length === 0 ? 'no jobs' : jobTable(page.items));
    if (page.nextCursor) {
      process.stderr.write(`more: durable-jobs jobs list --cursor ${page.nextCursor} (same filters)\n`);
    }
    return 0;
  },
};

const cancel: CommandSpec = {
  name: 'cancel',
  args: ['jobId'],
  summary: 'cancel a running job: it undoes its half-done work and ends cancelled (admin)',
  options: { ...json },
  async run(context) {
    const jobId = context.positionals[0]!;
    const answer = await context.api.json<{ jobId: string; statusUrl: string }>(
      `/jobs/${encodeURIComponent(jobId)}/cancel`,
      { method: 'POST' },
    );
    if (context.options.json) printJson(answer);
    else print(`cancelling ${answer.jobId}; follow it with: durable-jobs status ${answer.jobId} --watch`);
    return 0;
  },
};

export const JOB_LIST_COMMANDS: CommandSpec[] = [list, cancel];
