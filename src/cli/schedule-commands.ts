// The schedule commands: recurring jobs as Temporal Schedules, through the API's /schedules.
import { JOB_TYPES } from '../contracts';
import {
  idActionCommand,
  jsonOption as json,
  print,
  printJson,
  UsageError,
  type CommandContext,
  type CommandSpec,
} from './command-spec';
import { formatTable } from './views';

const OVERLAP_NAMES = [
  'skip',
  'bufferOne',
  'bufferAll',
  'cancelOther',
  'terminateOther',
  'allowAll',
] as const;

interface ScheduleBody {
  id: string;
  jobType: string;
  cron: string | null;
  every: string | null;
  paused: boolean;
  note: string | null;
  nextRunsAt: string[];
  recentJobs: { jobId: string; scheduledAt: string; startedAt: string }[];
  overlap?: string;
  input?: unknown;
}

const schedulePath = (id: string) => `/schedules/${encodeURIComponent(id)}`;

const timingOf = (schedule: ScheduleBody) =>
  schedule.cron !== null ? `cron ${schedule.cron}` : `every ${schedule.every ?? '-'}`;

function describeSchedule(schedule: ScheduleBody): string {
  const lines = [
    `id:        ${schedule.id}`,
    `job type:  ${schedule.jobType}`,
    `runs:      ${timingOf(schedule)}${schedule.overlap ? `, overlap ${schedule.overlap}` : ''}`,
    `state:     ${schedule.paused ? 'paused' : 'active'}${schedule.note ? ` (${schedule.note})` : ''}`,
    `next runs: ${schedule.nextRunsAt.slice(0, 3).join(', ') || '-'}`,
  ];
  if (schedule.input !== undefined) {
    lines.push(`input:     ${JSON.stringify(schedule.input, null, 2).replace(/\n/g, '\n           ')}`);
  }
  if (schedule.recentJobs.length > 0) {
    const rows = schedule.recentJobs.map((run) => [run.jobId, run.scheduledAt]);
    lines.push('recent jobs:', formatTable(['JOB', 'DUE AT'], rows).replace(/^/gm, '  '));
  }
  return lines.join('\n');
}

function printSchedule(context: CommandContext, schedule: ScheduleBody): number {
  if (context.options.json) printJson(schedule);
  else print(describeSchedule(schedule));
  return 0;
}

const list: CommandSpec = {
  name: 'schedules list',
  args: [],
  summary: 'list job schedules',
  options: { ...json },
  async run(context) {
    const { items } = await context.api.json<{ items: ScheduleBody[] }>('/schedules');
    if (context.options.json) printJson({ items });
    else if (items.length === 0) print('no schedules');
    else {
      const rows = items.map((item) => [
        item.id,
        item.jobType,
        timingOf(item),
        item.paused ? 'paused' : 'active',
        item.nextRunsAt[0] ?? '-',
      ]);
      print(formatTable(['ID', 'TYPE', 'RUNS', 'STATE', 'NEXT RUN'], rows));
    }
    return 0;
  },
};

const show: CommandSpec = {
  name: 'schedules show',
  args: ['id'],
  summary: 'show one schedule: timing, input, next runs and recent jobs',
  options: { ...json },
  async run(context) {
    return printSchedule(
      context,
      await context.api.json<ScheduleBody>(schedulePath(context.positionals[0]!)),
    );
  },
};

function parseInput(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--input is not JSON (${(error as Error).message})`, create);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError('--input must be a JSON object, the body a start request would have', create);
  }
  return value as Record<string, unknown>;
}

async function inputText(source: string, stdin: NodeJS.ReadableStream): Promise<string> {
  if (source !== '-') return source;
  let text = '';
  for await (const chunk of stdin) text += chunk.toString();
  return text;
}

const create: CommandSpec = {
  name: 'schedules create',
  args: ['id'],
  summary: 'create a recurring job (admin)',
  options: {
    type: { type: 'string', valueName: 'TYPE', description: 'the job type to start', allowed: JOB_TYPES },
    input: {
      type: 'string',
      valueName: 'JSON|-',
      description: "the job's request body as JSON (- reads stdin)",
    },
    cron: { type: 'string', valueName: 'EXPR', description: 'a cron expression, UTC: "0 3 * * *"' },
    every: { type: 'string', valueName: 'DURATION', description: 'an interval: 90s, 15m, 2h, 1d' },
    overlap: {
      type: 'string',
      valueName: 'POLICY',
      description: 'when a run is due while the last still runs (default skip)',
      allowed: OVERLAP_NAMES,
    },
    ...json,
  },
  details: ['Give --cron or --every. The input is checked as a new request of that job type would be.'],
  async run(context) {
    const { type, input, cron, every, overlap } = context.options;
    if (typeof type !== 'string') throw new UsageError('missing --type', create);
    if (typeof input !== 'string') throw new UsageError('missing --input', create);
    if ((typeof cron === 'string') === (typeof every === 'string')) {
      throw new UsageError('give one of --cron and --every', create);
    }
    const body = {
      id: context.positionals[0]!,
      jobType: type,
      input: parseInput(await inputText(input, context.stdin)),
      ...(typeof cron === 'string' ? { cron } : { every }),
      ...(typeof overlap === 'string' ? { overlap } : {}),
    };
    return printSchedule(context, await context.api.postJson<ScheduleBody>('/schedules', body));
  },
};

function stateChange(action: 'pause' | 'resume'): CommandSpec {
  return {
    name: `schedules ${action}`,
    args: ['id'],
    summary:
      action === 'pause' ? 'pause a schedule: it starts nothing until resumed' : 'resume a paused schedule',
    options: {
      note: { type: 'string', valueName: 'TEXT', description: 'why, shown on the schedule' },
      ...json,
    },
    async run(context) {
      const note = context.options.note;
      const path = `${schedulePath(context.positionals[0]!)}/${action}`;
      const schedule = await context.api.postJson<ScheduleBody>(
        path,
        typeof note === 'string' ? { note } : {},
      );
      return printSchedule(context, schedule);
    },
  };
}

const trigger = idActionCommand({
  name: 'schedules trigger',
  arg: 'id',
  summary: "start one of the schedule's jobs now",
  send: (api, id) => api.postJson(`${schedulePath(id)}/trigger`, {}),
  idField: 'scheduleId',
  done: 'triggered',
});

const remove = idActionCommand({
  name: 'schedules delete',
  arg: 'id',
  summary: 'delete a schedule; jobs it started go on',
  send: (api, id) => api.json(schedulePath(id), { method: 'DELETE' }),
  idField: 'scheduleId',
  done: 'deleted',
});

export const SCHEDULE_COMMANDS: CommandSpec[] = [
  list,
  show,
  create,
  stateChange('pause'),
  stateChange('resume'),
  trigger,
  remove,
];
