import { Type } from '@sinclair/typebox';
import { JOB_TYPES } from '../../contracts';
import { DeadLetterNotFound, InvalidInput, RedriveInProgress } from '../../errors';
import type { DeadLetterStore } from '../../dead-letters/dead-letter-store';
import type { Redriver } from '../../dead-letters/redrive';
import { defineRoute, type RouteDefinition } from '../route';
import { DeadLetterBody, errorResponse, temporalDown } from '../schemas';

const MAX_PAGE = 100;

const JobTypeName = Type.Union(JOB_TYPES.map((jobType) => Type.Literal(jobType)));
const Status = Type.Union([Type.Literal('pending'), Type.Literal('redriving'), Type.Literal('redriven')]);

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

const ListQuery = Type.Object(
  {
    jobType: Type.Optional(JobTypeName),
    status: Type.Optional(Status),
    limit: Type.Optional(
      Type.String({ pattern: '^[0-9]+$', description: `1 to ${MAX_PAGE}; 20 by default` }),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 500, description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
);

const RedriveOneBody = Type.Union([
  Type.Object(
    {
      input: Type.Optional(
        Type.Record(Type.String(), Type.Unknown(), {
          description:
            "Corrections laid over the stored input (null removes a field), checked like a new request's " +
            'body; only the fields the job type declares correctable (uploads: notifyUrl, notifyEmail; ' +
            'e-mail: `to` of the welcome and upload-processed templates)',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

const BulkRedriveBody = Type.Object(
  {
    jobType: Type.Optional(JobTypeName),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE })),
  },
  { additionalProperties: false },
);

const Redriven = Type.Object(
  { jobId: Type.String(), deadLetterId: Type.String(), statusUrl: Type.String() },
  { title: 'Redriven' },
);

const BulkRedriveResult = Type.Object(
  {
    redriven: Type.Array(Type.Object({ deadLetterId: Type.String(), jobId: Type.String() })),
    failed: Type.Array(Type.Object({ deadLetterId: Type.String(), error: Type.String() })),
  },
  { title: 'BulkRedriveResult' },
);

function pageSize(raw: string | undefined): number {
  if (raw === undefined) return 20;
  const limit = Number(raw);
  if (limit < 1 || limit > MAX_PAGE) {
    throw new InvalidInput(`Invalid querystring: 'limit' must be between 1 and ${MAX_PAGE}`, {
      field: 'limit',
      location: 'querystring',
    });
  }
  return limit;
}

export function deadLetterRoutes(store: DeadLetterStore, redriver: Redriver): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/dead-letters',
      access: 'admin',
      summary: 'Dead letters, newest first, a page at a time',
      tags: ['dead letters'],
      schema: {
        querystring: ListQuery,
        responses: {
          200: {
            description: 'A page',
            schema: Type.Object({
              items: Type.Array(DeadLetterBody),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
          },
          400: errorResponse('A query parameter is invalid'),
        },
      },
      handler: async ({ query }) => {
        const page = await store.list({
          jobType: query.jobType,
          status: query.status,
          limit: pageSize(query.limit),
          cursor: query.cursor,
        });
        return { status: 200, body: page };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/dead-letters/:id',
      access: 'admin',
      summary: 'One dead letter, with the failed attempts',
      tags: ['dead letters'],
      schema: {
        params: IdParams,
        responses: {
          200: { description: 'The dead letter', schema: DeadLetterBody },
          404: errorResponse('No dead letter with this id'),
        },
      },
      handler: async ({ params }) => {
        const entry = await store.get(params.id);
        if (!entry) throw new DeadLetterNotFound(params.id);
        return { status: 200, body: entry };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/dead-letters/redrive',
      access: 'admin',
      summary: 'Redrive pending dead letters, up to `limit`',
      tags: ['dead letters'],
      schema: {
        body: Type.Optional(BulkRedriveBody),
        responses: {
          202: { description: 'What was redriven and what failed', schema: BulkRedriveResult },
          400: errorResponse('The body is invalid'),
        },
      },
      handler: async ({ body, caller }) => {
        const filter = { jobType: body?.jobType, limit: body?.limit ?? 20 };
        const result = await redriver.redriveMany(filter, caller);
        return { status: 202, body: result };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/dead-letters/:id/redrive',
      access: 'admin',
      summary: 'Start a new run of a dead letter, optionally with a corrected input',
      tags: ['dead letters'],
      schema: {
        params: IdParams,
        body: Type.Optional(RedriveOneBody),
        responses: {
          202: { description: 'The new job is started', schema: Redriven },
          400: errorResponse(
            'The corrected input is invalid, corrects a field that may not be changed, or lacks a field redaction removed',
          ),
          404: errorResponse('No dead letter with this id, or its file is gone'),
          409: errorResponse('Already redriven, or being redriven'),
          503: temporalDown,
        },
      },
      handler: async ({ params, body, caller }) => {
        const outcome = await redriver.redriveOne(params.id, caller, body?.input);
        return {
          status: 202,
          body: {
            jobId: outcome.jobId,
            deadLetterId: outcome.deadLetterId,
            statusUrl: `/jobs/${outcome.jobId}`,
          },
        };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/dead-letters/:id',
      access: 'admin',
      summary: 'Discard a dead letter',
      tags: ['dead letters'],
      schema: {
        params: IdParams,
        responses: {
          204: { description: 'Discarded' },
          404: errorResponse('No dead letter with this id'),
          409: errorResponse('It is being redriven'),
        },
      },
      handler: async ({ params }) => {
        if (!(await store.get(params.id))) throw new DeadLetterNotFound(params.id);
        if (!(await store.discard(params.id))) throw new RedriveInProgress(params.id);
        return { status: 204 };
      },
    }),
  ];
}
