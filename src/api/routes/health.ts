import type { Client } from '@temporalio/client';
import { Type } from '@sinclair/typebox';
import { TemporalUnavailable } from '../../errors';
import { checkTemporalReadiness } from '../../temporal/client';
import { defineRoute, type RouteDefinition } from '../route';
import { errorResponse } from '../schemas';

export function healthRoutes(temporal: Client, temporalAddress: string): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/healthz',
      access: 'public',
      summary: 'Liveness: the process answers',
      tags: ['health'],
      schema: {
        responses: { 200: { description: 'Alive', schema: Type.Object({ status: Type.Literal('ok') }) } },
      },
      handler: async () => ({ status: 200, body: { status: 'ok' } }),
    }),
    defineRoute({
      method: 'GET',
      path: '/readyz',
      access: 'public',
      summary: 'Readiness: Temporal answers',
      tags: ['health'],
      schema: {
        responses: {
          200: {
            description: 'Ready',
            schema: Type.Object({ status: Type.Literal('ready'), temporal: Type.Literal('reachable') }),
          },
          503: errorResponse('Temporal is unavailable; `temporal` is its address, `reason` why'),
        },
      },
      handler: async () => {
        const readiness = await checkTemporalReadiness(temporal);
        if (readiness.ready) return { status: 200, body: { status: 'ready', temporal: 'reachable' } };
        throw new TemporalUnavailable(readiness.reason ?? 'no answer', { temporal: temporalAddress });
      },
    }),
  ];
}
