import type { Client } from '@temporalio/client';
import type { FileStore } from '../../files/file-store';
import { uploadJobInput } from '../../jobs/job-inputs';
import { UploadRequest } from '../../jobs/job-requests';
import { startJob } from '../../jobs/start-job';
import { processUpload } from '../../workflows';
import { idempotencyKeyOf } from '../idempotency';
import { defineRoute, type RouteDefinition } from '../route';
import { errorResponse, IdempotencyHeaders, JobAccepted, jobAccepted, temporalDown } from '../schemas';

export function uploadRoutes(temporal: Client, files: FileStore): RouteDefinition[] {
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
          400: errorResponse('The body or Idempotency-Key is invalid'),
          404: errorResponse('No file with this fileId'),
          503: temporalDown,
        },
      },
      handler: async (request) => {
        const idempotencyKey = idempotencyKeyOf(request.headers);
        const input = await uploadJobInput(files, request.body);
        const job = await startJob(temporal, processUpload, input, { idempotencyKey });
        // Retention keeps the file while its job may still need it.
        await files.linkJob(input.fileId, job.jobId);
        return jobAccepted(job.jobId);
      },
    }),
  ];
}
