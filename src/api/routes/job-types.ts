import { Type } from '@sinclair/typebox';
import { JOB_TYPES } from '../../contracts';
import type { JobTypeControl } from '../../jobs/job-type-control';
import { defineRoute, type RouteDefinition } from '../route';
import { errorResponse, temporalDown } from '../schemas';

const TypeParams = Type.Object({ type: Type.Union(JOB_TYPES.map((jobType) => Type.Literal(jobType))) });

const JobTypeState = Type.Object(
  {
    jobType: Type.String(),
    paused: Type.Boolean(),
    pausedAt: Type.Union([Type.String(), Type.Null()]),
    pausedBy: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'JobTypeState' },
);

export function jobTypeRoutes(control: JobTypeControl): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/job-types/:type/pause',
      access: 'admin',
      summary:
        'Pause a job type: its jobs are still accepted and started, their steps wait in Temporal until it is resumed',
      tags: ['job types'],
      schema: {
        params: TypeParams,
        responses: {
          200: { description: 'The job type is paused', schema: JobTypeState },
          400: errorResponse('No such job type'),
        },
      },
      handler: async ({ params, caller }) => ({
        status: 200,
        body: await control.pause(params.type, caller.name),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/job-types/:type/resume',
      access: 'admin',
      summary: 'Resume a job type: its waiting steps go on, with a fresh attempt count',
      tags: ['job types'],
      schema: {
        params: TypeParams,
        responses: {
          200: { description: 'The job type runs again', schema: JobTypeState },
          400: errorResponse('No such job type'),
          503: temporalDown,
        },
      },
      handler: async ({ params }) => ({ status: 200, body: await control.resume(params.type) }),
    }),
  ];
}
