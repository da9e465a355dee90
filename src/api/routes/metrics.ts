import { Type } from '@sinclair/typebox';
import { Registry } from 'prom-client';
import { metricsRegistry, workerMetricsUp } from '../../monitoring/metrics';
import { fetchWorkerMetrics } from '../../monitoring/worker-metrics';
import { defineRoute, type RouteDefinition } from '../route';

export interface MetricsRouteOptions {
  /** host:port of the worker's SDK Prometheus exporter; its series are appended when given. */
  workerMetricsAddress?: string;
  workerMetricsTimeoutMs?: number;
}

/** Holds only the worker-up gauge, so that it is reported only when a worker is configured. */
const workerRegistry = new Registry();
workerRegistry.registerMetric(workerMetricsUp);

function joinExpositions(parts: string[]): string {
  return parts
    .filter((part) => part.trim() !== '')
    .map((part) => (part.endsWith('\n') ? part : `${part}\n`))
    .join('');
}

export function metricsRoutes(options: MetricsRouteOptions): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/metrics',
      access: 'metrics',
      summary: 'Prometheus metrics of the API (and of the worker, when configured)',
      tags: ['monitoring'],
      schema: {
        responses: {
          200: {
            description: 'Prometheus text exposition',
            contentType: 'text/plain',
            schema: Type.String(),
          },
        },
      },
      handler: async () => {
        const parts = [await metricsRegistry.metrics()];
        if (options.workerMetricsAddress) {
          const worker = await fetchWorkerMetrics(
            options.workerMetricsAddress,
            options.workerMetricsTimeoutMs,
          );
          workerMetricsUp.set(worker.ok ? 1 : 0);
          parts.push(await workerRegistry.metrics());
          if (worker.ok) parts.push(worker.text);
        }
        return {
          status: 200,
          body: joinExpositions(parts),
          headers: { 'content-type': metricsRegistry.contentType },
        };
      },
    }),
  ];
}
