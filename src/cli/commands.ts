// The commands of `durable-jobs`: what each takes (for parsing and for its help) and what it does.
import fs from 'node:fs';
import path from 'node:path';
import { JOB_TYPES } from '../contracts';
import type { StepFailure } from '../dead-letters/dead-letter-store';
import type { ApiClient, JobStatusBody } from './api-client';
import { followJob, isFinished } from './follow';
import { formatTable, JobProgressView, TransferView, truncate } from './views';

export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to show under the error. */
    readonly command?: CommandSpec,
  ) {
    super(message);
  }
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** Shown in help: `--type TYPE`. */
  valueName?: string;
  /** The only values accepted; listed in the error for anything else. */
  allowed?: readonly string[];
}

export interface CommandContext {
  api: ApiClient;
  positionals: string[];
  options: Record<string, string | boolean | undefined>;
  stdin: NodeJS.ReadableStream;
}

export interface CommandSpec {
  /** The words that name it: `status`, `dead-letters list`. */
  name: string;
  /** Positional arguments after the name; a trailing `?` marks an optional one. */
  args: string[];
  summary: string;
  options: Record<string, OptionSpec>;
  /** Lines of help after the options. */
  details?: string[];
  run(context: CommandContext): Promise<number>;
}

const DEAD_LETTER_STATUSES = ['pending', 'redriving', 'redriven'] as const;
const MAX_PAGE = 100;

const json: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'print JSON instead of text' },
};
const reconnectFor: Record<string, OptionSpec> = {
  'reconnect-for': {
    type: 'string',
    valueName: 'SECONDS',
    description: 'how long to wait for the API to come back while following (default 60)',
  },
};

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

function describeStatus(status: JobStatusBody): string {
  const lines = [
    `job:      ${status.jobId}${status.type ? ` (${status.type})` : ''}`,
    `state:    ${status.state}`,
    `progress: ${status.progress}%${status.stage ? ` (${status.stage})` : ''}`,
  ];
  if (status.attempts !== undefined) lines.push(`attempts: ${status.attempts}`);
  if (status.error) lines.push(`error:    ${status.error}`);
  if (status.webUiUrl) lines.push(`web ui:   ${status.webUiUrl}`);
  if (status.result !== null && status.result !== undefined) {
    lines.push(`result:   ${JSON.stringify(status.result, null, 2).replace(/\n/g, '\n          ')}`);
  }
  return lines.join('\n');
}

function exitCodeOf(status: JobStatusBody): number {
  return isFinished(status) && status.state !== 'completed' ? 2 : 0;
}

function secondsOption(context: CommandContext, name: string, fallback: number): number {
  const raw = context.options[name];
  if (raw === undefined) return fallback;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--${name} must be a positive number of seconds, got "${String(raw)}"`);
  }
  return seconds;
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

/** Follows a job with a progress view and prints how it ended; the exit code says how. */
async function watch(context: CommandContext, jobId: string): Promise<number> {
  const view = new JobProgressView();
  let final: JobStatusBody;
  try {
    final = await followJob(context.api, jobId, {
      onStatus: (status) => view.update(status),
      onConnection: (event, reason) =>
        view.note(event === 'lost' ? `connection lost (${reason}); reconnecting…` : 'reconnected'),
      reconnectForMs: secondsOption(context, 'reconnect-for', 60) * 1000,
    });
  } finally {
    view.done();
  }
  if (context.options.json) printJson(final);
  else print(describeStatus(final));
  return exitCodeOf(final);
}

const CONTENT_TYPES: Record<string, string> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.pdf': 'application/pdf',
};

const upload: CommandSpec = {
  name: 'upload',
  args: ['file'],
  summary: 'upload a file, process it with live progress, print the result',
  options: {
    'notify-url': { type: 'string', valueName: 'URL', description: 'webhook to POST the result to' },
    'notify-email': {
      type: 'string',
      valueName: 'ADDRESS',
      description: 'e-mail the result to this address',
    },
    'content-type': {
      type: 'string',
      valueName: 'TYPE',
      description: 'declared type (default: from the extension)',
    },
    ...reconnectFor,
    ...json,
  },
  details: ["Shows bytes sent and the rate while the file goes up, then the job's progress."],
  async run(context) {
    const file = context.positionals[0]!;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      throw new UsageError(`cannot read ${file}`);
    }
    if (!stat.isFile()) throw new UsageError(`${file} is not a file`);
    const contentType =
      (context.options['content-type'] as string | undefined) ??
      CONTENT_TYPES[path.extname(file).toLowerCase()] ??
      'application/octet-stream';
    const transfer = new TransferView(stat.size);
    let stored;
    try {
      stored = await context.api.uploadFile(file, contentType, (sent) => transfer.update(sent));
    } finally {
      transfer.done();
    }
    process.stderr.write(`uploaded ${path.basename(file)}: ${stored.size} bytes, file ${stored.fileId}\n`);
    const { jobId } = await context.api.startUpload({
      fileId: stored.fileId,
      ...(context.options['notify-url'] ? { notifyUrl: context.options['notify-url'] as string } : {}),
      ...(context.options['notify-email'] ? { notifyEmail: context.options['notify-email'] as string } : {}),
    });
    process.stderr.write(`job ${jobId} started\n`);
    return watch(context, jobId);
  },
};

const status: CommandSpec = {
  name: 'status',
  args: ['jobId'],
  summary: 'show a job; --watch follows it until it ends',
  options: {
    watch: { type: 'boolean', description: 'follow the job until it ends, reconnecting across API restarts' },
    ...reconnectFor,
    ...json,
  },
  async run(context) {
    const jobId = context.positionals[0]!;
    if (context.options.watch) return watch(context, jobId);
    if (context.options['reconnect-for'] !== undefined)
      throw new UsageError('--reconnect-for needs --watch', status);
    const current = await context.api.jobStatus(jobId);
    if (context.options.json) printJson(current);
    else print(describeStatus(current));
    return exitCodeOf(current);
  },
};

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

function describeDeadLetter(entry: DeadLetterBody): string {
  const lines = [
    `id:          ${entry.id}`,
    `job:         ${entry.jobId} (${entry.jobType})`,
    `status:      ${entry.status}${entry.redrivenJobId ? `, redriven as ${entry.redrivenJobId}` : ''}`,
    `failed at:   ${entry.failedAt}`,
    `failed step: ${entry.failedStep ?? '-'}`,
    `error:       ${entry.errorType ? `${entry.errorType}: ` : ''}${entry.errorMessage}`,
    `input:       ${JSON.stringify(entry.input, null, 2).replace(/\n/g, '\n             ')}`,
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

const discard: CommandSpec = {
  name: 'dead-letters discard',
  args: ['id'],
  summary: 'delete a dead letter',
  options: { ...json },
  async run(context) {
    const id = context.positionals[0]!;
    await context.api.json(deadLetterPath(id), { method: 'DELETE' });
    if (context.options.json) printJson({ deadLetterId: id, discarded: true });
    else print(`discarded ${id}`);
    return 0;
  },
};

export const COMMANDS: CommandSpec[] = [upload, status, list, show, redrive, discard];
