// Every command of `durable-jobs`, in the order its help lists them.
import type { CommandSpec } from './command-spec';
import { DEAD_LETTER_COMMANDS } from './dead-letter-commands';
import { JOB_COMMANDS } from './job-commands';
import { JOB_LIST_COMMANDS } from './job-list-commands';
import { SCHEDULE_COMMANDS } from './schedule-commands';

export { UsageError, type CommandSpec, type OptionSpec } from './command-spec';

export const COMMANDS: CommandSpec[] = [
  ...JOB_COMMANDS,
  ...JOB_LIST_COMMANDS,
  ...DEAD_LETTER_COMMANDS,
  ...SCHEDULE_COMMANDS,
];
