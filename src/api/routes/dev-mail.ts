import type { CapturedMailbox } from '../../email/mailbox';
import { notFound } from '../errors';
import { defineRoute, type RouteDefinition } from '../route';

const mailIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
};

const formatQuery = {
  type: 'object',
  properties: { format: { type: 'string', enum: ['parsed', 'raw'] } },
};

/** Development only: what the capturing SMTP server received. */
export function devMailRoutes(mailbox: CapturedMailbox): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/dev/mail',
      handler: async () => ({ status: 200, body: { messages: await mailbox.list() } }),
    }),
    defineRoute({
      method: 'GET',
      path: '/dev/mail/:id',
      schema: { params: mailIdParams, querystring: formatQuery },
      handler: async (request) => {
        const id = request.params.id ?? '';
        if (request.query.format === 'raw') {
          const raw = await mailbox.readRaw(id);
          if (raw === undefined) throw notFound('Message not found', { id });
          return { status: 200, body: raw, headers: { 'content-type': 'message/rfc822' } };
        }
        const mail = await mailbox.read(id);
        if (!mail) throw notFound('Message not found', { id });
        return { status: 200, body: mail };
      },
    }),
  ];
}
