import type { Client } from '@temporalio/client';
import { JobNotFound } from '../../errors';
import { getJobStatus } from '../../jobs/job-status';
import { defineRoute, type RouteDefinition } from '../route';
import { errorResponse, JobIdParams, JobStatusBody, temporalDown } from '../schemas';

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
    statusRoute('/jobs/:jobId', 'A job and its status'),
    statusRoute('/jobs/:jobId/status', 'A job and its status (alias of /jobs/{jobId})'),
  ];
}
