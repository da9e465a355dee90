// `npm run jobs -- <command>` / `npx durable-jobs <command>`: upload files and follow jobs,
// inspect job status, and act on dead letters, over the HTTP API.
import fs from 'node:fs';
import path from 'node:path';
import { ApiClient, ApiError, ApiUnreachableError, type JobStatusBody } from './api-client';
import { followJob, isFinished } from './follow';

export const DEFAULT_API = 'http://localhost:3000';

const USAGE = `Usage: durable-jobs [--api URL] <command>

Commands:
  upload <file> [--notify-url URL] [--content-type TYPE]
                                  upload a file, process it, show progress, print the result
  status <jobId> [--watch] [--json] show a job (--watch: follow it until it ends)
  dead-letters list [--type T] [--limit N] [--cursor C] [--json]
  dead-letters show <id>          print one dead letter
  dead-letters redrive <id>       start the job again; prints the new job id
  dead-letters discard <id>       delete a dead letter

Options:
  --api URL   the API (default: $DURABLE_JOBS_API, else ${DEFAULT_API})
  --help      this text

Exit codes: 0 done; 1 usage, API unreachable or an API error; 2 the job failed or was dead-lettered.`;

export class UsageError extends Error {}

interface ParsedArgs {
  positional: string[];
  options: Map<string, string | true>;
}

const VALUE_OPTIONS = new Set(['api', 'notify-url', 'content-type', 'type', 'limit', 'cursor']);
const FLAG_OPTIONS = new Set(['watch', 'json', 'help']);

export function parseArgs(argv: string[]): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    if (!arg.startsWith('--') || arg === '--') {
      if (arg !== '--') positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (FLAG_OPTIONS.has(name)) {
      options.set(name, true);
    } else if (VALUE_OPTIONS.has(name)) {
      const value = inline ?? argv[(index += 1)];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      options.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positional, options };
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

/** Progress on stderr: a redrawn bar on a terminal, one line per change otherwise. */
class ProgressView {
  private drawn = false;
  private lastLine = '';
  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  update(status: JobStatusBody): void {
    const percent = Math.max(0, Math.min(100, Math.round(status.progress)));
    const label = `${String(percent).padStart(3)}% ${status.state}${status.stage ? ` (${status.stage})` : ''}`;
    if (this.out.isTTY) {
      const width = 30;
      const filled = Math.round((percent / 100) * width);
      this.out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${label}\x1b[K`);
      this.drawn = true;
    } else if (label !== this.lastLine) {
      this.out.write(`${label}\n`);
    }
    this.lastLine = label;
  }

  done(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}

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

/** Follows a job with a progress view and prints how it ended; the exit code says how. */
async function watch(api: ApiClient, jobId: string, json: boolean): Promise<number> {
  const view = new ProgressView();
  let final: JobStatusBody;
  try {
    final = await followJob(api, jobId, (status) => view.update(status));
  } finally {
    view.done();
  }
  if (json) printJson(final);
  else print(describeStatus(final));
  return final.state === 'completed' ? 0 : 2;
}

function need(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

async function upload(api: ApiClient, args: ParsedArgs): Promise<number> {
  const file = need(args.positional[1], '<file>');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
  if (!stat.isFile()) throw new UsageError(`${file} is not a file`);
  const contentType =
    (args.options.get('content-type') as string | undefined) ??
    CONTENT_TYPES[path.extname(file).toLowerCase()] ??
    'application/octet-stream';
  const stored = await api.uploadFile(file, contentType);
  process.stderr.write(`uploaded ${path.basename(file)}: ${stored.size} bytes, file ${stored.fileId}\n`);
  const { jobId } = await api.startUpload(
    stored.fileId,
    args.options.get('notify-url') as string | undefined,
  );
  process.stderr.write(`job ${jobId} started\n`);
  return watch(api, jobId, args.options.has('json'));
}

async function status(api: ApiClient, args: ParsedArgs): Promise<number> {
  const jobId = need(args.positional[1], '<jobId>');
  if (args.options.has('watch')) return watch(api, jobId, args.options.has('json'));
  const current = await api.jobStatus(jobId);
  if (args.options.has('json')) printJson(current);
  else print(describeStatus(current));
  return isFinished(current) && current.state !== 'completed' ? 2 : 0;
}

interface DeadLetterSummary {
  id: string;
  jobId?: string;
  jobType?: string;
  failedStep?: string | null;
  errorMessage?: string;
  failedAt?: string;
  status?: string;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

async function deadLetters(api: ApiClient, args: ParsedArgs): Promise<number> {
  const action = need(args.positional[1], 'a dead-letters command (list, show, redrive, discard)');
  const id = () => encodeURIComponent(need(args.positional[2], '<id>'));
  switch (action) {
    case 'list': {
      const query = new URLSearchParams();
      const type = args.options.get('type');
      const limit = args.options.get('limit');
      const cursor = args.options.get('cursor');
      if (typeof type === 'string') query.set('jobType', type);
      if (typeof limit === 'string') query.set('limit', limit);
      if (typeof cursor === 'string') query.set('cursor', cursor);
      const page = await api.json<{ items: DeadLetterSummary[]; nextCursor: string | null }>(
        `/dead-letters${query.size ? `?${query}` : ''}`,
      );
      if (args.options.has('json')) {
        printJson(page);
        return 0;
      }
      if (page.items.length === 0) {
        print('no dead letters');
        return 0;
      }
      for (const item of page.items) {
        print(
          [
            item.id,
            item.jobType ?? '-',
            item.status ?? '-',
            item.failedAt ?? '-',
            item.jobId ?? '-',
            `${item.failedStep ?? '-'}: ${truncate(item.errorMessage ?? '', 80)}`,
          ].join('  '),
        );
      }
      if (page.nextCursor) print(`more: --cursor ${page.nextCursor}`);
      return 0;
    }
    case 'show':
      printJson(await api.json(`/dead-letters/${id()}`));
      return 0;
    case 'redrive': {
      const body = await api.json<{ jobId: string }>(`/dead-letters/${id()}/redrive`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      print(`redriven as job ${body.jobId}`);
      return 0;
    }
    case 'discard':
      await api.json(`/dead-letters/${id()}`, { method: 'DELETE' });
      print(`discarded ${args.positional[2]}`);
      return 0;
    default:
      throw new UsageError(`unknown dead-letters command "${action}"`);
  }
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
    if (args.options.has('help') || args.positional.length === 0) {
      print(USAGE);
      return args.options.has('help') ? 0 : 1;
    }
    const api = new ApiClient(
      (args.options.get('api') as string | undefined) ?? env.DURABLE_JOBS_API ?? DEFAULT_API,
    );
    switch (args.positional[0]) {
      case 'upload':
        return await upload(api, args);
      case 'status':
        return await status(api, args);
      case 'dead-letters':
        return await deadLetters(api, args);
      default:
        throw new UsageError(`unknown command "${args.positional[0]}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n\n${USAGE}\n`);
      return 1;
    }
    if (error instanceof ApiUnreachableError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    if (error instanceof ApiError) {
      process.stderr.write(
        `error: ${error.message} (HTTP ${error.status}${error.code ? ` ${error.code}` : ''})\n`,
      );
      return 1;
    }
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** Runs with the process's arguments and exits with the command's code. */
export function main(): void {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) main();
