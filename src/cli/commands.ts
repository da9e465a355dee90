// Every command of `durable-jobs`, in the order its help lists them.
import type { CommandSpec } from './command-spec';
import { DEAD_LETTER_COMMANDS } from './dead-letter-commands';
import { JOB_COMMANDS } from './job-commands';
import { SCHEDULE_COMMANDS } from './schedule-commands';

export { UsageError, type CommandSpec, type OptionSpec } from './command-spec';

export const COMMANDS: CommandSpec[] = [...JOB_COMMANDS, ...DEAD_LETTER_COMMANDS, ...SCHEDULE_COMMANDS];
