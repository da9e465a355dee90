import { Type } from '@sinclair/typebox';
import type { CapturedMailbox } from '../../email/mailbox';
import { MessageNotFound } from '../../errors';
import { defineRoute, type RouteDefinition } from '../route';
import { errorResponse } from '../schemas';

const MailSummary = Type.Object(
  {
    id: Type.String(),
    messageId: Type.Union([Type.String(), Type.Null()]),
    from: Type.String(),
    to: Type.String(),
    subject: Type.String(),
    date: Type.Union([Type.String(), Type.Null()]),
  },
  { title: 'CapturedMail' },
);

/** Development only: what the capturing SMTP server received. */
export function devMailRoutes(mailbox: CapturedMailbox): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/dev/mail',
      access: 'admin',
      summary: 'Development only: messages the capturing SMTP server received',
      tags: ['development'],
      schema: {
        responses: {
          200: { description: 'Newest first', schema: Type.Object({ messages: Type.Array(MailSummary) }) },
        },
      },
      handler: async () => ({ status: 200, body: { messages: await mailbox.list() } }),
    }),
    defineRoute({
      method: 'GET',
      path: '/dev/mail/:id',
      access: 'admin',
      summary: 'Development only: one captured message, parsed or raw',
      tags: ['development'],
      schema: {
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
        querystring: Type.Object({
          format: Type.Optional(Type.Union([Type.Literal('parsed'), Type.Literal('raw')])),
        }),
        responses: {
          200: {
            description: 'The message, parsed; as sent (message/rfc822) with format=raw',
            schema: Type.Composite([MailSummary, Type.Object({ text: Type.String() })]),
            otherContent: { 'message/rfc822': Type.String() },
          },
          404: errorResponse('No message with this id'),
        },
      },
      handler: async (request) => {
        const id = request.params.id;
        if (request.query.format === 'raw') {
          const raw = await mailbox.readRaw(id);
          if (raw === undefined) throw new MessageNotFound(id);
          return { status: 200, body: raw, headers: { 'content-type': 'message/rfc822' } };
        }
        const mail = await mailbox.read(id);
        if (!mail) throw new MessageNotFound(id);
        return { status: 200, body: mail };
      },
    }),
  ];
}
