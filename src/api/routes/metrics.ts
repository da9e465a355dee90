import { Type } from '@sinclair/typebox';
import { Registry } from 'prom-client';
import { JOB_TYPES } from '../../contracts';
import type { PendingDeadLetters } from '../../monitoring/job-health';
import { deadLettersPending, metricsRegistry, workerMetricsUp } from '../../monitoring/metrics';
import { fetchWorkerMetrics } from '../../monitoring/worker-metrics';
import { defineRoute, type RouteDefinition } from '../route';

export interface MetricsRouteOptions {
  /** Read at each scrape for `durable_jobs_dead_letters_pending`. */
  deadLetters: PendingDeadLetters;
  /** host:port of the worker's SDK Prometheus exporter; its series are appended when given. */
  workerMetricsAddress?: string;
  workerMetricsTimeoutMs?: number;
}

/** Holds only the worker-up gauge, so that it is reported only when a worker is configured. */
const workerRegistry = new Registry();
workerRegistry.registerMetric(workerMetricsUp);

/** Gauges read from the database at each scrape, not kept in this process. */
const storeRegistry = new Registry();
storeRegistry.registerMetric(deadLettersPending);

/** Every job type gets a series, 0 included, so that an alert sees a type drop to none. */
async function storeMetrics(deadLetters: PendingDeadLetters): Promise<string> {
  const pending = await deadLetters.countPending();
  deadLettersPending.reset();
  for (const type of new Set([...JOB_TYPES, ...Object.keys(pending)])) {
    deadLettersPending.set({ type }, pending[type] ?? 0);
  }
  return storeRegistry.metrics();
}

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
        const parts = [await metricsRegistry.metrics(), await storeMetrics(options.deadLetters)];
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
