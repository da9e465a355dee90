import type { Client } from '@temporalio/client';
import { checkTemporalReadiness } from '../../temporal/client';
import { defineRoute, type RouteDefinition } from '../route';

export function healthRoutes(temporal: Client, temporalAddress: string): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/healthz',
      handler: async () => ({ status: 200, body: { status: 'ok' } }),
    }),
    defineRoute({
      method: 'GET',
      path: '/readyz',
      handler: async () => {
        const readiness = await checkTemporalReadiness(temporal);
        return readiness.ready
          ? { status: 200, body: { status: 'ready', temporal: 'reachable' } }
          : {
              status: 503,
              body: {
                error: 'Temporal is not reachable',
                temporal: temporalAddress,
                reason: readiness.reason,
              },
            };
      },
    }),
  ];
}
