import type { Client } from '@temporalio/client';
import { parseEmailRequest } from '../../jobs/job-inputs';
import { startJob } from '../../jobs/start-job';
import { idempotencyKeyOf } from '../idempotency';
import { defineRoute, type RouteDefinition } from '../route';

interface SendEmailBody {
  to: string;
  template: string;
  params?: Record<string, unknown>;
}

const sendEmailBody = {
  type: 'object',
  required: ['to', 'template'],
  additionalProperties: false,
  properties: {
    to: { type: 'string', maxLength: 254 },
    template: { type: 'string', minLength: 1, maxLength: 100 },
    params: { type: 'object' },
  },
};

export function emailRoutes(temporal: Client): RouteDefinition[] {
  return [
    defineRoute<SendEmailBody>({
      method: 'POST',
      path: '/emails',
      schema: { body: sendEmailBody },
      handler: async (request) => {
        const idempotencyKey = idempotencyKeyOf(request.headers);
        const input = parseEmailRequest({ ...request.body });
        const { jobId } = await startJob(temporal, 'sendEmail', [input], { idempotencyKey });
        return { status: 202, body: { status: 'queued', jobId } };
      },
    }),
  ];
}
