import type { Client } from '@temporalio/client';
import type { FileStore } from '../../files/file-store';
import { uploadJobInput, type UploadRequest } from '../../jobs/job-inputs';
import { startJob } from '../../jobs/start-job';
import { idempotencyKeyOf } from '../idempotency';
import { defineRoute, type RouteDefinition } from '../route';

const uploadBodySchema = {
  type: 'object',
  required: ['fileId'],
  additionalProperties: false,
  properties: {
    fileId: { type: 'string', minLength: 1, maxLength: 100 },
    notifyUrl: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2048 },
    notifyEmail: { type: 'string', format: 'email', maxLength: 320 },
  },
};

export function uploadRoutes(temporal: Client, files: FileStore): RouteDefinition[] {
  return [
    defineRoute<UploadRequest>({
      method: 'POST',
      path: '/upload',
      schema: { body: uploadBodySchema },
      handler: async (request) => {
        const input = await uploadJobInput(files, request.body);
        const job = await startJob(temporal, 'processUpload', [input], {
          idempotencyKey: idempotencyKeyOf(request.headers),
        });
        return {
          status: 202,
          body: { status: 'processing', jobId: job.jobId, statusUrl: `/jobs/${job.jobId}` },
          headers: { location: `/jobs/${job.jobId}` },
        };
      },
    }),
  ];
}
