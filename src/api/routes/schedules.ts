import { Type } from '@sinclair/typebox';
import { JOB_TYPES } from '../../contracts';
import { OVERLAP_NAMES, type JobSchedules } from '../../schedules/job-schedules';
import { defineRoute, type RouteDefinition } from '../route';
import { errorResponse, temporalDown } from '../schemas';

const Nullable = <S extends Parameters<typeof Type.Union>[0][number]>(schema: S) =>
  Type.Union([schema, Type.Null()]);

const ScheduleId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$',
  description: 'Letters, digits, dot, dash and underscore; up to 80',
  examples: ['nightly-report'],
});

const IdParams = Type.Object({ id: ScheduleId });

const NewSchedule = Type.Object(
  {
    id: ScheduleId,
    jobType: Type.Union(JOB_TYPES.map((jobType) => Type.Literal(jobType))),
    input: Type.Record(Type.String(), Type.Unknown(), {
      description: 'The body a request to start this job type would have; checked like one',
    }),
    cron: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'A cron expression (UTC); not with every',
        examples: ['0 3 * * *'],
      }),
    ),
    every: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 20,
        description: 'An interval such as 90s, 15m, 2h, 1d; not with cron',
      }),
    ),
    overlap: Type.Optional(
      Type.Union(
        OVERLAP_NAMES.map((name) => Type.Literal(name)),
        {
          description: 'When a run is due while the previous one still runs; skip by default',
        },
      ),
    ),
  },
  { additionalProperties: false, title: 'NewSchedule' },
);

const NoteBody = Type.Union([
  Type.Object(
    { note: Type.Optional(Type.String({ maxLength: 500, description: 'Why; shown on the schedule' })) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

const ScheduleView = Type.Object(
  {
    id: Type.String(),
    jobType: Type.String(),
    cron: Nullable(Type.String()),
    every: Nullable(Type.String()),
    paused: Type.Boolean(),
    note: Nullable(Type.String()),
    nextRunsAt: Type.Array(Type.String({ description: 'ISO 8601' })),
    recentJobs: Type.Array(
      Type.Object({ jobId: Type.String(), scheduledAt: Type.String(), startedAt: Type.String() }),
    ),
  },
  { title: 'ScheduleSummary' },
);

const ScheduleDetail = Type.Composite(
  [
    ScheduleView,
    Type.Object({
      overlap: Type.Union(OVERLAP_NAMES.map((name) => Type.Literal(name))),
      input: Type.Unknown({ description: 'The workflow input each job gets' }),
    }),
  ],
  { title: 'Schedule' },
);

const notFound = errorResponse('No job schedule with this id');

export function scheduleRoutes(schedules: JobSchedules, appOrigin: string): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/schedules',
      access: 'admin',
      summary: 'Create a recurring job: a Temporal Schedule that starts the job type on a cron or interval',
      tags: ['schedules'],
      schema: {
        body: NewSchedule,
        responses: {
          201: { description: 'The schedule is created', schema: ScheduleDetail },
          400: errorResponse('The body, the job input (as its job type checks it), cron or every is invalid'),
          404: errorResponse('The input names a file that does not exist'),
          409: errorResponse('A schedule with this id already exists'),
          503: temporalDown,
        },
      },
      handler: async ({ body, caller }) => {
        const created = await schedules.create(body, { caller, appOrigin });
        return { status: 201, body: created, headers: { location: `/schedules/${created.id}` } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/schedules',
      access: 'jobs:read',
      summary: 'Every job schedule, by id',
      tags: ['schedules'],
      schema: {
        responses: {
          200: { description: 'The schedules', schema: Type.Object({ items: Type.Array(ScheduleView) }) },
          503: temporalDown,
        },
      },
      handler: async () => ({ status: 200, body: { items: await schedules.list() } }),
    }),
    defineRoute({
      method: 'GET',
      path: '/schedules/:id',
      access: 'jobs:read',
      summary: 'One job schedule: timing, overlap policy, input, next runs and recent jobs',
      tags: ['schedules'],
      schema: {
        params: IdParams,
        responses: {
          200: { description: 'The schedule', schema: ScheduleDetail },
          400: errorResponse('The id is invalid'),
          404: notFound,
          503: temporalDown,
        },
      },
      handler: async ({ params }) => ({ status: 200, body: await schedules.get(params.id) }),
    }),
    ...(['pause', 'resume'] as const).map((action) =>
      defineRoute({
        method: 'POST',
        path: `/schedules/:id/${action}`,
        access: 'admin',
        summary:
          action === 'pause'
            ? 'Pause a job schedule: it starts nothing until resumed'
            : 'Resume a paused job schedule',
        tags: ['schedules'],
        schema: {
          params: IdParams,
          body: Type.Optional(NoteBody),
          responses: {
            200: { description: 'The schedule now', schema: ScheduleDetail },
            400: errorResponse('The id or body is invalid'),
            404: notFound,
            503: temporalDown,
          },
        },
        handler: async ({ params, body }) => {
          const note = body?.note;
          const schedule =
            action === 'pause'
              ? await schedules.pause(params.id, note)
              : await schedules.resume(params.id, note);
          return { status: 200, body: schedule };
        },
      }),
    ),
    defineRoute({
      method: 'POST',
      path: '/schedules/:id/trigger',
      access: 'admin',
      summary: 'Start one job of the schedule now (paused or not, whatever the overlap policy)',
      tags: ['schedules'],
      schema: {
        params: IdParams,
        responses: {
          202: {
            description: 'The job is being started',
            schema: Type.Object({ triggered: Type.Literal(true) }),
          },
          400: errorResponse('The id is invalid'),
          404: notFound,
          503: temporalDown,
        },
      },
      handler: async ({ params }) => {
        await schedules.trigger(params.id);
        return { status: 202, body: { triggered: true as const } };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/schedules/:id',
      access: 'admin',
      summary: 'Delete a job schedule; jobs it already started go on',
      tags: ['schedules'],
      schema: {
        params: IdParams,
        responses: {
          204: { description: 'Deleted' },
          400: errorResponse('The id is invalid'),
          404: notFound,
          503: temporalDown,
        },
      },
      handler: async ({ params }) => {
        await schedules.delete(params.id);
        return { status: 204 };
      },
    }),
  ];
}
