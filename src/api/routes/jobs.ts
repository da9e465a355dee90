import { Type } from '@sinclair/typebox';
import type { Client } from '@temporalio/client';
import { JOB_TYPES } from '../../contracts';
import { InvalidInput, JobNotFound } from '../../errors';
import { cancelJob } from '../../jobs/cancel-job';
import { DEFAULT_PAGE_SIZE, LISTABLE_STATES, listJobs, MAX_PAGE_SIZE } from '../../jobs/job-list';
import { getJobStatus } from '../../jobs/job-status';
import { defineRoute, type RouteDefinition } from '../route';
import { errorResponse, JobIdParams, JobListPage, JobStatusBody, temporalDown } from '../schemas';

/** A date and time with its offset, as `new Date()` reads it unambiguously. */
const ISO_DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';

const JobListQuery = Type.Object(
  {
    type: Type.Optional(Type.Union(JOB_TYPES.map((jobType) => Type.Literal(jobType)))),
    state: Type.Optional(
      Type.Union(
        LISTABLE_STATES.map((state) => Type.Literal(state)),
        { description: '`retrying` jobs are listed as `running`: visibility cannot tell them apart' },
      ),
    ),
    createdAfter: Type.Optional(
      Type.String({ pattern: ISO_DATE_TIME, description: 'ISO 8601 with offset, e.g. 2026-11-30T08:00:00Z' }),
    ),
    cursor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        pattern: '^[A-Za-z0-9_.-]+$',
        description: 'nextCursor of the previous page',
      }),
    ),
    limit: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,3}$',
        description: `1 to ${MAX_PAGE_SIZE}; ${DEFAULT_PAGE_SIZE} by default`,
      }),
    ),
  },
  { additionalProperties: false },
);

const JobCancelAccepted = Type.Object(
  {
    status: Type.Literal('cancelling'),
    jobId: Type.String(),
    runId: Type.String(),
    statusUrl: Type.String({ description: 'GET it until the state is cancelled' }),
  },
  { title: 'JobCancelAccepted' },
);

function queryError(field: string, message: string): InvalidInput {
  return new InvalidInput(`Invalid querystring: '${field}' ${message}`, { field, location: 'querystring' });
}

function pageSize(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  const limit = Number(raw);
  if (limit < 1 || limit > MAX_PAGE_SIZE) throw queryError('limit', `must be between 1 and ${MAX_PAGE_SIZE}`);
  return limit;
}

function instant(raw: string | undefined): Date | undefined {
  if (raw === undefined) return undefined;
  const date = new Date(raw);
  if (Number.isNaN(date.getTime())) throw queryError('createdAfter', 'is not a valid date and time');
  return date;
}

export function jobRoutes(temporal: Client, webUiBaseUrl: string): RouteDefinition[] {
  const statusRoute = (path: string, summary: string) =>
    defineRoute({
      method: 'GET',
      path,
      access: 'jobs:read',
      summary,
      tags: ['jobs'],
      schema: {
        params: JobIdParams,
        responses: {
          200: { description: "The job's status", schema: JobStatusBody },
          404: errorResponse('No job with this id'),
          503: temporalDown,
        },
      },
      handler: async (request) => {
        const status = await getJobStatus(temporal, request.params.jobId, { webUiBaseUrl });
        if (!status) throw new JobNotFound(request.params.jobId);
        return { status: 200, body: status };
      },
    });
  return [
    defineRoute({
      method: 'GET',
      path: '/jobs',
      access: 'jobs:read',
      summary: 'Jobs from Temporal visibility, open ones first, newest first, a page at a time',
      tags: ['jobs'],
      schema: {
        querystring: JobListQuery,
        responses: {
          200: { description: 'A page of jobs (no inputs, no results)', schema: JobListPage },
          400: errorResponse('A query parameter is invalid (`field` names it)'),
          503: temporalDown,
        },
      },
      handler: async ({ query }) => {
        const page = await listJobs(
          temporal,
          {
            type: query.type,
            state: query.state,
            createdAfter: instant(query.createdAfter),
            cursor: query.cursor,
            limit: pageSize(query.limit),
          },
          { webUiBaseUrl },
        );
        return { status: 200, body: page };
      },
    }),
    statusRoute('/jobs/:jobId', 'A job and its status'),
    statusRoute('/jobs/:jobId/status', 'A job and its status (alias of /jobs/{jobId})'),
    defineRoute({
      method: 'POST',
      path: '/jobs/:jobId/cancel',
      access: 'admin',
      summary: 'Cancel a running job: it undoes its half-done work and ends cancelled',
      tags: ['jobs'],
      schema: {
        params: JobIdParams,
        responses: {
          202: { description: 'Cancellation requested; poll the status URL', schema: JobCancelAccepted },
          404: errorResponse('No job with this id'),
          409: errorResponse('The job has already finished (`state` says how)'),
          503: temporalDown,
        },
      },
      handler: async ({ params }) => {
        const { jobId, runId } = await cancelJob(temporal, params.jobId);
        const statusUrl = `/jobs/${encodeURIComponent(jobId)}`;
        return {
          status: 202,
          body: { status: 'cancelling' as const, jobId, runId, statusUrl },
          headers: { location: statusUrl },
        };
      },
    }),
  ];
}
