import { JOB_TYPES } from '../../contracts';
import { InvalidCursorError, type DeadLetterStore } from '../../dead-letters/dead-letter-store';
import type { Redriver } from '../../dead-letters/redrive';
import { badRequest, conflict, notFound } from '../errors';
import { defineRoute, type RouteDefinition } from '../route';

const MAX_PAGE = 100;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
};

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    jobType: { type: 'string', enum: [...JOB_TYPES] },
    status: { type: 'string', enum: ['pending', 'redriving', 'redriven'] },
    limit: { type: 'string', pattern: '^[0-9]+$' },
    cursor: { type: 'string', maxLength: 500 },
  },
};

const redriveOneBody = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { input: { type: 'object' } },
};

const bulkRedriveBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    jobType: { type: 'string', enum: [...JOB_TYPES] },
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE },
  },
};

function pageSize(raw: string | undefined): number {
  if (raw === undefined) return 20;
  const limit = Number(raw);
  if (limit < 1 || limit > MAX_PAGE) {
    throw badRequest(`Invalid querystring: 'limit' must be between 1 and ${MAX_PAGE}`, { field: 'limit' });
  }
  return limit;
}

export function deadLetterRoutes(store: DeadLetterStore, redriver: Redriver): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/dead-letters',
      schema: { querystring: listQuery },
      handler: async ({ query }) => {
        try {
          const page = await store.list({
            jobType: query.jobType,
            status: query.status as 'pending' | 'redriving' | 'redriven' | undefined,
            limit: pageSize(query.limit),
            cursor: query.cursor,
          });
          return { status: 200, body: page };
        } catch (error) {
          if (error instanceof InvalidCursorError)
            throw badRequest(`Invalid querystring: 'cursor' ${error.message}`, { field: 'cursor' });
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/dead-letters/:id',
      schema: { params: idParams },
      handler: async ({ params }) => {
        const entry = await store.get(params.id ?? '');
        if (!entry) throw notFound('Dead letter not found', { deadLetterId: params.id });
        return { status: 200, body: entry };
      },
    }),
    defineRoute<{ jobType?: string; limit?: number } | undefined>({
      method: 'POST',
      path: '/dead-letters/redrive',
      schema: { body: bulkRedriveBody },
      handler: async ({ body }) => {
        const result = await redriver.redriveMany({ jobType: body?.jobType, limit: body?.limit ?? 20 });
        return { status: 202, body: result };
      },
    }),
    defineRoute<{ input?: Record<string, unknown> } | null | undefined>({
      method: 'POST',
      path: '/dead-letters/:id/redrive',
      schema: { params: idParams, body: redriveOneBody },
      handler: async ({ params, body }) => {
        const outcome = await redriver.redriveOne(params.id ?? '', body?.input);
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
      schema: { params: idParams },
      handler: async ({ params }) => {
        const id = params.id ?? '';
        if (!(await store.get(id))) throw notFound('Dead letter not found', { deadLetterId: id });
        if (!(await store.discard(id))) throw conflict('Dead letter is being redriven', { deadLetterId: id });
        return { status: 204 };
      },
    }),
  ];
}
