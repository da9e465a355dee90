// `npm run jobs -- <command>` / `npx durable-jobs <command>`: upload files and follow jobs,
// inspect job status, and act on dead letters, over the HTTP API.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ApiClient, ApiError, ApiUnreachableError } from './api-client';
import { COMMANDS, UsageError, type CommandSpec, type OptionSpec } from './commands';

/** The API that `npm start` runs in the same environment: $PORT, else 3000. */
function defaultApi(env: NodeJS.ProcessEnv): string {
  return `http://localhost:${env.PORT || 3000}`;
}

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  api: {
    type: 'string',
    valueName: 'URL',
    description: 'the API (default: $DURABLE_JOBS_API, else http://localhost:$PORT, PORT defaulting to 3000)',
  },
  help: { type: 'boolean', description: 'show help' },
};

const GROUPS: Record<string, string> = {
  jobs: 'list jobs',
  'dead-letters': 'inspect, redrive and discard dead letters',
  schedules: 'create, inspect, pause, resume, trigger and delete recurring jobs',
};

function optionLines(options: Record<string, OptionSpec>): string[] {
  const entries = Object.entries(options).map(([name, spec]) => {
    const left = `--${name}${spec.valueName ? ` ${spec.valueName}` : ''}`;
    const allowed = spec.allowed ? ` (one of: ${spec.allowed.join(', ')})` : '';
    return [left, `${spec.description}${allowed}`] as const;
  });
  const width = Math.max(...entries.map(([left]) => left.length));
  return entries.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

function synopsis(command: CommandSpec): string {
  const args = command.args.map((arg) => (arg.endsWith('?') ? `[<${arg.slice(0, -1)}>]` : `<${arg}>`));
  return ['durable-jobs', command.name, ...args, '[options]'].join(' ');
}

function commandHelp(command: CommandSpec): string {
  return [
    `Usage: ${synopsis(command)}`,
    '',
    command.summary,
    ...(command.details ? ['', ...command.details] : []),
    '',
    'Options:',
    ...optionLines({ ...command.options, ...GLOBAL_OPTIONS }),
  ].join('\n');
}

function commandList(commands: CommandSpec[]): string[] {
  const width = Math.max(...commands.map((command) => command.name.length));
  return commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
}

function groupHelp(group: string): string {
  const commands = COMMANDS.filter((command) => command.name.startsWith(`${group} `));
  return [
    `Usage: durable-jobs ${group} <command> [options]`,
    '',
    GROUPS[group]!,
    '',
    'Commands:',
    ...commandList(commands),
    '',
    `Help on one: durable-jobs ${group} <command> --help`,
  ].join('\n');
}

export const USAGE = [
  'Usage: durable-jobs <command> [options]',
  '',
  'Commands:',
  ...commandList(COMMANDS),
  `  ${'help [command]'.padEnd(Math.max(...COMMANDS.map((command) => command.name.length)))}  this text, or one command's`,
  '',
  'Options for every command:',
  ...optionLines(GLOBAL_OPTIONS),
  '',
  'Environment: DURABLE_JOBS_API (the API), DURABLE_JOBS_TOKEN (sent as the bearer token when the API',
  'has API_TOKENS; dead-letter commands and cancel need an admin token).',
  '',
  'Exit codes: 0 done; 1 usage, API unreachable or an API error; 2 the job failed or was dead-lettered.',
].join('\n');

/** Every option any command knows, so that parsing can run before the command is known. */
function allOptions(): ParseArgsConfig['options'] {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const spec of [GLOBAL_OPTIONS, ...COMMANDS.map((command) => command.options)]) {
    for (const [name, option] of Object.entries(spec)) options[name] = { type: option.type };
  }
  return options;
}

interface Invocation {
  /** The command, a group name (`dead-letters`) or nothing. */
  command?: CommandSpec;
  group?: string;
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

function parseInvocation(argv: string[]): Invocation {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: allOptions(), allowPositionals: true, strict: true });
  } catch (error) {
    // Node's messages name the option; drop its advice about `--` that does not apply here.
    throw new UsageError((error as Error).message.replace(/\. To specify a positional.*$/s, ''));
  }
  const [first, second, ...rest] = parsed.positionals;
  const values = parsed.values as Invocation['values'];
  if (first === undefined) return { positionals: [], values };
  if (GROUPS[first] !== undefined) {
    if (second === undefined) return { group: first, positionals: [], values };
    const command = COMMANDS.find((candidate) => candidate.name === `${first} ${second}`);
    if (!command)
      throw new UsageError(`unknown ${first} command "${second}"; one of: ${groupCommands(first)}`);
    return { command, positionals: rest, values };
  }
  const command = COMMANDS.find((candidate) => candidate.name === first);
  if (first !== 'help' && !command) throw new UsageError(`unknown command "${first}"`);
  return {
    command,
    positionals: second === undefined ? rest : [second, ...rest],
    values,
    ...(first === 'help' ? { group: 'help' } : {}),
  };
}

function groupCommands(group: string): string {
  return COMMANDS.filter((command) => command.name.startsWith(`${group} `))
    .map((command) => command.name.slice(group.length + 1))
    .join(', ');
}

function helpFor(words: string[]): string {
  if (words.length === 0) return USAGE;
  const name = words.join(' ');
  if (GROUPS[name] !== undefined) return groupHelp(name);
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) throw new UsageError(`no help for "${name}": unknown command`);
  return commandHelp(command);
}

/** Refuses what the command does not take: options of other commands, values outside the list, extra words. */
function checkInvocation(command: CommandSpec, positionals: string[], values: Invocation['values']): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || GLOBAL_OPTIONS[name]) continue;
    const option = command.options[name];
    if (!option) throw new UsageError(`${command.name} does not take --${name}`, command);
    if (option.allowed && !option.allowed.includes(value as string)) {
      throw new UsageError(
        `--${name} must be one of ${option.allowed.join(', ')}; got "${String(value)}"`,
        command,
      );
    }
  }
  const required = command.args.filter((arg) => !arg.endsWith('?'));
  if (positionals.length < required.length) {
    throw new UsageError(`missing <${required[positionals.length]}>`, command);
  }
  if (positionals.length > command.args.length) {
    throw new UsageError(`unexpected argument "${positionals[command.args.length]}"`, command);
  }
}

function report(error: unknown): number {
  if (error instanceof UsageError) {
    const usage = error.command
      ? `Usage: ${synopsis(error.command)}\nMore: durable-jobs ${error.command.name} --help`
      : 'More: durable-jobs help';
    process.stderr.write(`error: ${error.message}\n${usage}\n`);
    return 1;
  }
  if (error instanceof ApiError) {
    process.stderr.write(
      `error: ${error.message} (HTTP ${error.status}${error.code ? ` ${error.code}` : ''})\n`,
    );
    return 1;
  }
  const message =
    error instanceof ApiUnreachableError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  return 1;
}

export async function runCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  try {
    const { command, group, positionals, values } = parseInvocation(argv);
    if (group === 'help') {
      process.stdout.write(`${helpFor(positionals)}\n`);
      return 0;
    }
    if (!command) {
      const text = group ? groupHelp(group) : USAGE;
      if (values.help) {
        process.stdout.write(`${text}\n`);
        return 0;
      }
      process.stderr.write(`${text}\n`);
      return 1;
    }
    if (values.help) {
      process.stdout.write(`${commandHelp(command)}\n`);
      return 0;
    }
    checkInvocation(command, positionals, values);
    const api = new ApiClient(
      (values.api as string | undefined) ?? (env.DURABLE_JOBS_API || defaultApi(env)),
      env.DURABLE_JOBS_TOKEN?.trim() || undefined,
    );
    return await command.run({ api, positionals, options: values, stdin });
  } catch (error) {
    return report(error);
  }
}

/** Runs with the process's arguments and exits with the command's code. */
export function main(): void {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) main();
