// What every command of `durable-jobs` is made of: its specification (for parsing and for its
// help), the context it runs in, and the output helpers the commands share.
import type { ApiClient } from './api-client';

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

export const jsonOption: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'print JSON instead of text' },
};

export function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

export interface IdActionSpec {
  name: string;
  /** The positional argument naming the resource: `id`. */
  arg: string;
  summary: string;
  /** The request that acts on it. */
  send(api: ApiClient, id: string): Promise<unknown>;
  /** How the outcome is reported: `{ [idField]: id, [done]: true }` as JSON, else `<done> <id>`. */
  idField: string;
  done: string;
}

/** A command that acts on one resource named by its argument and reports that it did. */
export function idActionCommand(spec: IdActionSpec): CommandSpec {
  return {
    name: spec.name,
    args: [spec.arg],
    summary: spec.summary,
    options: { ...jsonOption },
    async run(context) {
      const id = context.positionals[0]!;
      await spec.send(context.api, id);
      if (context.options.json) printJson({ [spec.idField]: id, [spec.done]: true });
      else print(`${spec.done} ${id}`);
      return 0;
    },
  };
}
