// The dead-letter commands: list, show, redrive (one with a corrected input, or in bulk), discard.
import fs from 'node:fs';
import { JOB_TYPES } from '../contracts';
import type { StepFailure } from '../dead-letters/dead-letter-store';
import {
  idActionCommand,
  jsonOption as json,
  print,
  printJson,
  UsageError,
  type CommandContext,
  type CommandSpec,
} from './command-spec';
import { formatTable, truncate } from './views';

const DEAD_LETTER_STATUSES = ['pending', 'redriving', 'redriven'] as const;
const MAX_PAGE = 100;

function limitOption(context: CommandContext): number | undefined {
  const raw = context.options.limit;
  if (raw === undefined) return undefined;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_PAGE}, got "${String(raw)}"`);
  }
  return limit;
}

interface DeadLetterBody {
  id: string;
  jobId: string;
  jobType: string;
  input: unknown;
  errorType: string | null;
  errorMessage: string;
  failedStep: string | null;
  attempts: StepFailure[];
  failedAt: string;
  status: string;
  redrivenJobId: string | null;
  redrivenAt?: string | null;
  redrivenBy?: string | null;
  redriveChanges?: { field: string; before: unknown; after: unknown }[] | null;
  failedRedrives?: number;
  lastRedriveFailure?: { by: string; at: string; error: string } | null;
}

const deadLetterPath = (id: string) => `/dead-letters/${encodeURIComponent(id)}`;

const list: CommandSpec = {
  name: 'dead-letters list',
  args: [],
  summary: 'list dead letters, newest first',
  options: {
    type: { type: 'string', valueName: 'TYPE', description: 'only this job type', allowed: JOB_TYPES },
    status: {
      type: 'string',
      valueName: 'STATUS',
      description: 'only this status',
      allowed: DEAD_LETTER_STATUSES,
    },
    limit: { type: 'string', valueName: 'N', description: `at most N entries (1-${MAX_PAGE}, default 20)` },
    cursor: { type: 'string', valueName: 'CURSOR', description: 'the next page, as the previous one said' },
    ...json,
  },
  async run(context) {
    const query = new URLSearchParams();
    const { type, status: state, cursor } = context.options;
    const limit = limitOption(context);
    if (typeof type === 'string') query.set('jobType', type);
    if (typeof state === 'string') query.set('status', state);
    if (limit !== undefined) query.set('limit', String(limit));
    if (typeof cursor === 'string') query.set('cursor', cursor);
    const page = await context.api.json<{ items: DeadLetterBody[]; nextCursor: string | null }>(
      `/dead-letters${query.size ? `?${query}` : ''}`,
    );
    if (context.options.json) {
      printJson(page);
      return 0;
    }
    if (page.items.length === 0) {
      print('no dead letters');
      return 0;
    }
    const rows = page.items.map((item) => [
      item.id,
      item.jobType,
      item.status,
      item.failedAt,
      item.jobId,
      item.failedStep ?? '-',
      truncate(item.errorMessage, 80),
    ]);
    print(formatTable(['ID', 'TYPE', 'STATUS', 'FAILED AT', 'JOB', 'STEP', 'ERROR'], rows));
    if (page.nextCursor) print(`more: --cursor ${page.nextCursor}`);
    return 0;
  },
};

function describeFailedRedrives(entry: DeadLetterBody): string[] {
  const last = entry.lastRedriveFailure;
  if (!entry.failedRedrives || !last) return [];
  const times = entry.failedRedrives === 1 ? 'once' : `${entry.failedRedrives} times`;
  return [`redrive failed ${times}; last by ${last.by} at ${last.at}: ${truncate(last.error, 120)}`];
}

function describeRedrive(entry: DeadLetterBody): string[] {
  if (!entry.redrivenBy) return [];
  const changes = entry.redriveChanges ?? [];
  const lines = [`redriven:    by ${entry.redrivenBy} at ${entry.redrivenAt ?? '-'}`];
  if (changes.length === 0) lines.push('corrected:   nothing (stored input)');
  for (const [index, change] of changes.entries()) {
    const label = index === 0 ? 'corrected:   ' : '             ';
    lines.push(
      `${label}${change.field}: ${JSON.stringify(change.before)} -> ${JSON.stringify(change.after)}`,
    );
  }
  return lines;
}

function describeDeadLetter(entry: DeadLetterBody): string {
  const lines = [
    `id:          ${entry.id}`,
    `job:         ${entry.jobId} (${entry.jobType})`,
    `status:      ${entry.status}${entry.redrivenJobId ? `, redriven as ${entry.redrivenJobId}` : ''}`,
    `failed at:   ${entry.failedAt}`,
    `failed step: ${entry.failedStep ?? '-'}`,
    `error:       ${entry.errorType ? `${entry.errorType}: ` : ''}${entry.errorMessage}`,
    `input:       ${JSON.stringify(entry.input, null, 2).replace(/\n/g, '\n             ')}`,
    ...describeRedrive(entry),
    ...describeFailedRedrives(entry),
  ];
  if (entry.attempts.length > 0) {
    const rows = entry.attempts.map((attempt) => [
      attempt.step,
      String(attempt.attempts),
      attempt.errorType ?? '-',
      attempt.failedAt ?? '-',
      truncate(attempt.message, 80),
    ]);
    lines.push(
      'attempts:',
      formatTable(['STEP', 'ATTEMPTS', 'ERROR TYPE', 'LAST FAILED AT', 'MESSAGE'], rows).replace(/^/gm, '  '),
    );
  }
  return lines.join('\n');
}

const show: CommandSpec = {
  name: 'dead-letters show',
  args: ['id'],
  summary: 'show one dead letter: its input, error and attempts',
  options: { ...json },
  async run(context) {
    const entry = await context.api.json<DeadLetterBody>(deadLetterPath(context.positionals[0]!));
    if (context.options.json) printJson(entry);
    else print(describeDeadLetter(entry));
    return 0;
  },
};

async function readText(source: string, stdin: NodeJS.ReadableStream): Promise<string> {
  if (source !== '-') {
    try {
      return fs.readFileSync(source, 'utf8');
    } catch {
      throw new UsageError(`--input: cannot read ${source}`);
    }
  }
  let text = '';
  for await (const chunk of stdin) text += chunk.toString();
  return text;
}

async function readCorrectedInput(
  source: string,
  stdin: NodeJS.ReadableStream,
): Promise<Record<string, unknown>> {
  const text = await readText(source, stdin);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `--input: ${source === '-' ? 'standard input' : source} is not JSON (${(error as Error).message})`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(
      '--input: must be a JSON object of the fields to correct, e.g. {"to":"ann@example.com"}',
    );
  }
  return value as Record<string, unknown>;
}

interface BulkRedriveBody {
  redriven: { deadLetterId: string; jobId: string }[];
  failed: { deadLetterId: string; error: string }[];
}

async function redriveAll(context: CommandContext): Promise<number> {
  const type = context.options.type as string | undefined;
  const limit = limitOption(context);
  const result = await context.api.postJson<BulkRedriveBody>('/dead-letters/redrive', {
    ...(type ? { jobType: type } : {}),
    ...(limit !== undefined ? { limit } : {}),
  });
  if (context.options.json) printJson(result);
  else if (result.redriven.length + result.failed.length === 0) print('no pending dead letters to redrive');
  else {
    const rows = [
      ...result.redriven.map((item) => [item.deadLetterId, 'redriven', item.jobId]),
      ...result.failed.map((item) => [item.deadLetterId, 'failed', item.error]),
    ];
    print(formatTable(['DEAD LETTER', 'OUTCOME', 'JOB OR ERROR'], rows));
  }
  return result.failed.length > 0 ? 1 : 0;
}

const redrive: CommandSpec = {
  name: 'dead-letters redrive',
  args: ['id?'],
  summary: 'start a dead-lettered job again (one, or --all pending ones)',
  options: {
    input: {
      type: 'string',
      valueName: 'FILE|-',
      description: 'JSON object of corrected input fields, merged over the original (- reads stdin)',
    },
    all: { type: 'boolean', description: 'redrive pending dead letters, oldest first' },
    type: {
      type: 'string',
      valueName: 'TYPE',
      description: 'with --all: only this job type',
      allowed: JOB_TYPES,
    },
    limit: {
      type: 'string',
      valueName: 'N',
      description: `with --all: at most N (1-${MAX_PAGE}, default 20)`,
    },
    ...json,
  },
  details: ["The corrected input is checked like a new request; the new job's id is printed."],
  async run(context) {
    const id = context.positionals[0];
    if (context.options.all) {
      if (id !== undefined) throw new UsageError('give either <id> or --all, not both', redrive);
      if (context.options.input !== undefined)
        throw new UsageError('--input applies to one dead letter, not --all', redrive);
      return redriveAll(context);
    }
    if (id === undefined) throw new UsageError('missing <id> (or --all)', redrive);
    if (context.options.type !== undefined || context.options.limit !== undefined) {
      throw new UsageError('--type and --limit need --all', redrive);
    }
    const input =
      context.options.input === undefined
        ? undefined
        : await readCorrectedInput(context.options.input as string, context.stdin);
    const body = await context.api.postJson<{ jobId: string; deadLetterId: string }>(
      `${deadLetterPath(id)}/redrive`,
      input ? { input } : {},
    );
    if (context.options.json) printJson(body);
    else print(`redriven as job ${body.jobId}`);
    return 0;
  },
};

const discard = idActionCommand({
  name: 'dead-letters discard',
  arg: 'id',
  summary: 'delete a dead letter',
  send: (api, id) => api.json(deadLetterPath(id), { method: 'DELETE' }),
  idField: 'deadLetterId',
  done: 'discarded',
});

export const DEAD_LETTER_COMMANDS: CommandSpec[] = [list, show, redrive, discard];
