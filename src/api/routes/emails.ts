import type { Client } from '@temporalio/client';
import { emailJobInput } from '../../jobs/job-inputs';
import { SendEmailRequest } from '../../jobs/job-requests';
import { startJob } from '../../jobs/start-job';
import { sendEmail } from '../../workflows';
import { idempotencyKeyOf } from '../idempotency';
import { defineRoute, type RouteDefinition } from '../route';
import { errorResponse, IdempotencyHeaders, JobAccepted, jobAccepted, temporalDown } from '../schemas';

export function emailRoutes(temporal: Client): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/emails',
      access: 'jobs:create',
      summary: 'Send an e-mail from a template',
      tags: ['jobs'],
      schema: {
        body: SendEmailRequest,
        headers: IdempotencyHeaders,
        responses: {
          202: { description: 'The job is started', schema: JobAccepted },
          400: errorResponse('The body, a template parameter or Idempotency-Key is invalid'),
          503: temporalDown,
        },
      },
      handler: async (request) => {
        const idempotencyKey = idempotencyKeyOf(request.headers);
        const { jobId } = await startJob(temporal, sendEmail, emailJobInput(request.body), {
          idempotencyKey,
        });
        return jobAccepted(jobId);
      },
    }),
  ];
}
