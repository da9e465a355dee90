// Monitoring routes: GET /health/jobs, GET /metrics and GET /jobs/:jobId/events.
import type { Client } from '@temporalio/client';
import { notFound } from '../api/errors';
import { defineRoute, type RouteDefinition } from '../api/route';
import { getJobStatus } from '../jobs/job-status';
import { JobEventHub, parseLastEventId } from './job-events';
import { jobsHealth } from './job-health';
import { metricsRoutes } from './metrics-route';

export interface MonitoringOptions {
  temporal: Client;
  temporalAddress: string;
  webUiBaseUrl: string;
  workerMetricsAddress?: string;
  /** Between two polls of one watched job; 750 ms by default. */
  jobEventsIntervalMs?: number;
}

export interface Monitoring {
  routes: RouteDefinition[];
  hub: JobEventHub;
  /** Ends open event streams, so that the server can close. */
  close(): void;
}

const jobIdParams = {
  type: 'object',
  required: ['jobId'],
  properties: { jobId: { type: 'string', minLength: 1, maxLength: 200 } },
};

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // Reverse proxies such as nginx would otherwise buffer the stream.
  'x-accel-buffering': 'no',
};

export function createMonitoring(options: MonitoringOptions): Monitoring {
  const { temporal } = options;
  const hub = new JobEventHub({
    read: (jobId) => getJobStatus(temporal, jobId, { webUiBaseUrl: options.webUiBaseUrl }),
    intervalMs: options.jobEventsIntervalMs,
  });
  const routes = [
    defineRoute({
      method: 'GET',
      path: '/health/jobs',
      handler: async () => {
        const report = await jobsHealth(temporal, { address: options.temporalAddress });
        return { status: report.status === 'ok' ? 200 : 503, body: report };
      },
    }),
    ...metricsRoutes({ workerMetricsAddress: options.workerMetricsAddress }),
    defineRoute({
      method: 'GET',
      path: '/jobs/:jobId/events',
      schema: { params: jobIdParams },
      handler: async (request) => {
        const jobId = request.params.jobId ?? '';
        const opened = await hub.open(jobId, parseLastEventId(request.headers['last-event-id']));
        if (!opened) throw notFound('Job not found', { jobId });
        // 204 tells an EventSource that reconnected after the last event to stop reconnecting.
        if (opened.alreadyFinished) return { status: 204 };
        return { status: 200, headers: SSE_HEADERS, stream: opened.stream };
      },
    }),
  ];
  return { routes, hub, close: () => hub.close() };
}
