import type { Client } from '@temporalio/client';
import type { SendEmailInput } from '../../email/contracts';
import { EmailRequestError } from '../../email/template-params';
import { validateEmailRequest } from '../../email/templates';
import { startJob } from '../../jobs/start-job';
import { badRequest } from '../errors';
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

const IDEMPOTENCY_HEADER = 'idempotency-key';
const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

function idempotencyKeyOf(headers: Record<string, string | undefined>): string | undefined {
  const key = headers[IDEMPOTENCY_HEADER];
  if (key === undefined) return undefined;
  if (key.trim() === '' || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw badRequest(`Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`, {
      field: 'Idempotency-Key',
      location: 'headers',
    });
  }
  return key;
}

function checkedEmailRequest(body: SendEmailBody): SendEmailInput {
  const input: SendEmailInput = { to: body.to.trim(), template: body.template, params: body.params ?? {} };
  try {
    validateEmailRequest(input);
  } catch (error) {
    if (error instanceof EmailRequestError) throw badRequest(error.message, { field: error.field });
    throw error;
  }
  return input;
}

export function emailRoutes(temporal: Client): RouteDefinition[] {
  return [
    defineRoute<SendEmailBody>({
      method: 'POST',
      path: '/emails',
      schema: { body: sendEmailBody },
      handler: async (request) => {
        const idempotencyKey = idempotencyKeyOf(request.headers);
        const input = checkedEmailRequest(request.body);
        const { jobId } = await startJob(temporal, 'sendEmail', [input], { idempotencyKey });
        return { status: 202, body: { status: 'queued', jobId } };
      },
    }),
  ];
}
