import type { Client } from '@temporalio/client';
import type { ProcessUploadInput } from '../../contracts';
import type { FileStore } from '../../files/file-store';
import { startJob } from '../../jobs/start-job';
import { notFound } from '../errors';
import { defineRoute, type RouteDefinition } from '../route';

interface UploadBody {
  fileId: string;
  notifyUrl?: string;
  notifyEmail?: string;
}

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

const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

export function uploadRoutes(temporal: Client, files: FileStore): RouteDefinition[] {
  return [
    defineRoute<UploadBody>({
      method: 'POST',
      path: '/upload',
      schema: { body: uploadBodySchema },
      handler: async (request) => {
        const { fileId, notifyUrl, notifyEmail } = request.body;
        const stored = files.get(fileId);
        if (!stored) throw notFound('File not found', { fileId });
        const input: ProcessUploadInput = {
          fileId,
          sha256: stored.sha256,
          size: stored.size,
          contentType: stored.contentType,
          ...(notifyUrl ? { notifyUrl } : {}),
          ...(notifyEmail ? { notifyEmail } : {}),
        };
        const job = await startJob(temporal, 'processUpload', [input], {
          idempotencyKey: request.headers[IDEMPOTENCY_KEY_HEADER],
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
