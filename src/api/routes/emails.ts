import type { Client } from '@temporalio/client';
import type { IdempotencyKeyStore } from '../../jobs/idempotency-keys';
import { emailJobInput } from '../../jobs/job-inputs';
import { SendEmailRequest } from '../../jobs/job-requests';
import { startJob } from '../../jobs/start-job';
import { startDelayOf, withoutTiming, withTiming } from '../../jobs/start-timing';
import { sendEmail } from '../../workflows';
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

export interface EmailRouteOptions {
  idempotencyKeys: IdempotencyKeyStore;
  /** The origin of APP_URL: links in requested e-mail must lead there. */
  appOrigin: string;
}

export function emailRoutes(temporal: Client, options: EmailRouteOptions): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/emails',
      access: 'jobs:create',
      summary: 'Send an e-mail from a template',
      tags: ['jobs'],
      schema: {
        body: withTiming(SendEmailRequest),
        headers: IdempotencyHeaders,
        responses: {
          202: { description: 'The job is started', schema: JobAccepted },
          400: errorResponse(
            'The body (runAt, delay too), a template parameter (a link not on APP_URL) or Idempotency-Key is invalid',
          ),
          403: errorResponse('The token lacks the scope this route, or this template, needs'),
          422: keyReused,
          503: temporalDown,
        },
      },
      handler: async (request) => {
        const startDelayMs = startDelayOf(request.body);
        const input = emailJobInput(withoutTiming(request.body), {
          caller: request.caller,
          appOrigin: options.appOrigin,
        });
        const idempotencyKey = await checkedIdempotencyKey(options.idempotencyKeys, {
          caller: request.caller,
          operation: 'POST /emails',
          headers: request.headers,
          body: request.body,
        });
        const { jobId } = await startJob(temporal, sendEmail, input, {
          idempotencyKey,
          startDelayMs,
          priority: request.body.priority,
        });
        return jobAccepted(jobId);
      },
    }),
  ];
}
