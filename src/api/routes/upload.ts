import type { Client } from '@temporalio/client';
import { uploadJobInput, type JobInputServices } from '../../jobs/job-inputs';
import { UploadRequest } from '../../jobs/job-requests';
import { startJob } from '../../jobs/start-job';
import { processUpload } from '../../workflows';
import { idempotencyKeyOf } from '../idempotency';
import { defineRoute, type RouteDefinition } from '../route';
import { errorResponse, IdempotencyHeaders, JobAccepted, jobAccepted, temporalDown } from '../schemas';

export function uploadRoutes(temporal: Client, services: JobInputServices): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/upload',
      summary: 'Start analysing an uploaded file',
      tags: ['jobs'],
      schema: {
        body: UploadRequest,
        headers: IdempotencyHeaders,
        responses: {
          202: { description: 'The job is started', schema: JobAccepted },
          400: errorResponse('The body or Idempotency-Key is invalid, or notifyUrl is a refused destination'),
          404: errorResponse('No file with this fileId'),
          503: temporalDown,
        },
      },
      handler: async (request) => {
        const idempotencyKey = idempotencyKeyOf(request.headers);
        const input = await uploadJobInput(services, request.body);
        const job = await startJob(temporal, processUpload, input, { idempotencyKey });
        return jobAccepted(job.jobId);
      },
    }),
  ];
}
