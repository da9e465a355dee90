// The job commands: upload a file and follow its job; show or follow any job.
import fs from 'node:fs';
import path from 'node:path';
import type { JobStatusBody } from './api-client';
import {
  jsonOption as json,
  print,
  printJson,
  UsageError,
  type CommandContext,
  type CommandSpec,
  type OptionSpec,
} from './command-spec';
import { followJob, isFinished } from './follow';
import { JobProgressView, TransferView } from './views';

const reconnectFor: Record<string, OptionSpec> = {
  'reconnect-for': {
    type: 'string',
    valueName: 'SECONDS',
    description: 'how long to wait for the API to come back while following (default 60)',
  },
};

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

export const JOB_COMMANDS: CommandSpec[] = [upload, status];
