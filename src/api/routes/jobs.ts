import type { Client } from '@temporalio/client';
import { getJobStatus } from '../../jobs/job-status';
import { HttpError, ErrorCode } from '../errors';
import { defineRoute, type RouteDefinition, type RouteRequest } from '../route';

const jobIdParams = {
  type: 'object',
  required: ['jobId'],
  properties: { jobId: { type: 'string', minLength: 1, maxLength: 200 } },
};

export function jobRoutes(temporal: Client, webUiBaseUrl: string): RouteDefinition[] {
  const handler = async (request: RouteRequest) => {
    const jobId = request.params.jobId ?? '';
    const status = await getJobStatus(temporal, jobId, { webUiBaseUrl });
    if (!status) throw new HttpError(404, ErrorCode.notFound, 'Job not found', { jobId });
    return { status: 200, body: status };
  };
  return [
    defineRoute({ method: 'GET', path: '/jobs/:jobId', schema: { params: jobIdParams }, handler }),
    defineRoute({ method: 'GET', path: '/jobs/:jobId/status', schema: { params: jobIdParams }, handler }),
  ];
}
