import type { Client } from '@temporalio/client';
import type { IdempotencyKeyStore } from '../../jobs/idempotency-keys';
import { uploadJobInput, type JobInputServices } from '../../jobs/job-inputs';
import { UploadRequest } from '../../jobs/job-requests';
import { startJob } from '../../jobs/start-job';
import { startDelayOf, withoutTiming, withTiming } from '../../jobs/start-timing';
import { processUpload } from '../../workflows';
import { checkedIdempotencyKey } from '../idempotency';
import { defineRoute, type RouteDefinition } from '../route';
import {
  errorResponse,
  IdempotencyHeaders,
  JobAccepted,
  jobAccepted,
  keyReused,
  temporalDown,
} from '../schemas';

export function uploadRoutes(
  temporal: Client,
  services: JobInputServices,
  idempotencyKeys: IdempotencyKeyStore,
): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/upload',
      access: 'jobs:create',
      summary: 'Start analysing an uploaded file',
      tags: ['jobs'],
      schema: {
        body: withTiming(UploadRequest),
        headers: IdempotencyHeaders,
        responses: {
          202: { description: 'The job is started', schema: JobAccepted },
          400: errorResponse(
            'The body (runAt, delay too) or Idempotency-Key is invalid, or notifyUrl is a refused destination',
          ),
          404: errorResponse('No file with this fileId'),
          422: keyReused,
          503: temporalDown,
        },
      },
      handler: async (request) => {
        const startDelayMs = startDelayOf(request.body);
        const input = await uploadJobInput(services, withoutTiming(request.body));
        const idempotencyKey = await checkedIdempotencyKey(idempotencyKeys, {
          caller: request.caller,
          operation: 'POST /upload',
          headers: request.headers,
          body: request.body,
        });
        const job = await startJob(temporal, processUpload, input, {
          idempotencyKey,
          startDelayMs,
          priority: request.body.priority,
        });
        // Retention keeps the file while its job may still need it.
        await services.files.linkJob(input.fileId, job.jobId);
        return jobAccepted(job.jobId);
      },
    }),
  ];
}
