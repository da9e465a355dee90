// Monitoring routes: GET /health/jobs, GET /metrics and GET /jobs/:jobId/events.
import type { Client } from '@temporalio/client';
import { Type } from '@sinclair/typebox';
import { JobNotFound } from '../../errors';
import { getJobStatus } from '../../jobs/job-status';
import type { JobTypePauseStore } from '../../jobs/job-type-pauses';
import { JobEventHub, parseLastEventId } from '../../monitoring/job-events';
import {
  jobsHealth,
  type JobsHealthReport,
  type JobTypeCounts,
  type PendingDeadLetters,
} from '../../monitoring/job-health';
import { ErrorCode } from '../errors';
import { defineRoute, type RouteDefinition } from '../route';
import { errorResponse, ErrorBody, JobIdParams, temporalDown } from '../schemas';
import { metricsRoutes } from './metrics';

export interface MonitoringOptions {
  temporal: Client;
  temporalAddress: string;
  webUiBaseUrl: string;
  deadLetters: PendingDeadLetters;
  workerMetricsAddress?: string;
  /** Marks paused job types `paused: true` in /health/jobs. */
  jobTypePauses?: JobTypePauseStore;
}

export interface Monitoring {
  routes: RouteDefinition[];
  /** Ends open event streams, so that the server can close. */
  close(): void;
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // Reverse proxies such as nginx would otherwise buffer the stream.
  'x-accel-buffering': 'no',
};

const count = Type.Integer({ minimum: 0 });

const JobTypeCounts = Type.Object(
  {
    scheduled: Type.Integer({ minimum: 0, description: 'Started with a delay that has not passed yet' }),
    queued: count,
    running: count,
    completed: count,
    failed: count,
    deadLettered: Type.Integer({ minimum: 0, description: 'Runs that ended dead-lettered' }),
    deadLettersPending: Type.Integer({
      minimum: 0,
      description: 'Dead letters still pending in the store (not redriven, discarded or pruned)',
    }),
    cancelled: count,
  },
  { additionalProperties: true },
);

const HealthReport = Type.Object(
  {
    status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
    temporal: Type.Union([Type.Literal('reachable'), Type.Literal('unreachable'), Type.Literal('error')]),
    checkedAt: Type.String(),
    jobs: Type.Optional(Type.Record(Type.String(), JobTypeCounts)),
    totals: Type.Optional(JobTypeCounts),
    taskQueue: Type.Optional(Type.Object({}, { additionalProperties: true })),
    reason: Type.Optional(Type.String()),
    address: Type.Optional(Type.String()),
  },
  { title: 'JobsHealth' },
);

/** Each paused job type's counts say `paused: true`. */
async function withPauses(report: JobsHealthReport, pauses?: JobTypePauseStore): Promise<JobsHealthReport> {
  if (!pauses || !report.jobs) return report;
  const jobs: Record<string, JobTypeCounts & { paused?: true }> = { ...report.jobs };
  for (const { jobType } of await pauses.list()) {
    const counts = jobs[jobType];
    if (counts) jobs[jobType] = { ...counts, paused: true };
  }
  return { ...report, jobs };
}

/** A report that says Temporal is down is also an error body, like every other 503. */
function healthAnswer(report: JobsHealthReport) {
  if (report.status === 'ok') return { status: 200 as const, body: report };
  const code = report.temporal === 'unreachable' ? ErrorCode.temporalUnavailable : ErrorCode.temporalRejected;
  return { status: 503 as const, body: { error: 'Temporal is unavailable', code, ...report } };
}

export function createMonitoring(options: MonitoringOptions): Monitoring {
  const { temporal } = options;
  const hub = new JobEventHub({
    read: (jobId) => getJobStatus(temporal, jobId, { webUiBaseUrl: options.webUiBaseUrl }),
  });
  const routes = [
    defineRoute({
      method: 'GET',
      path: '/health/jobs',
      access: 'jobs:read',
      summary: 'Job counts per type and state, and the task queue',
      tags: ['monitoring'],
      schema: {
        responses: {
          200: { description: 'Temporal answered', schema: HealthReport },
          503: {
            description: 'Temporal is unavailable: the report, as an error body',
            schema: Type.Intersect([ErrorBody, HealthReport]),
          },
        },
      },
      handler: async () => {
        const report = await jobsHealth(temporal, {
          address: options.temporalAddress,
          deadLetters: options.deadLetters,
        });
        return healthAnswer(await withPauses(report, options.jobTypePauses));
      },
    }),
    ...metricsRoutes({
      workerMetricsAddress: options.workerMetricsAddress,
      deadLetters: options.deadLetters,
    }),
    defineRoute({
      method: 'GET',
      path: '/jobs/:jobId/events',
      access: 'jobs:read',
      summary: "A job's status changes as Server-Sent Events",
      tags: ['jobs'],
      schema: {
        params: JobIdParams,
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String()) }),
        responses: {
          200: {
            description: 'Events `status` (a JobStatus as JSON in `data`) until the job finishes',
            contentType: 'text/event-stream',
            schema: Type.Object({
              event: Type.Optional(Type.String()),
              id: Type.Optional(Type.String()),
              data: Type.Optional(Type.String()),
            }),
          },
          204: { description: 'The job finished before the last event this client saw' },
          404: errorResponse('No job with this id'),
          503: temporalDown,
        },
      },
      handler: async (request) => {
        const jobId = request.params.jobId;
        const opened = await hub.open(jobId, parseLastEventId(request.headers['last-event-id']));
        if (!opened) throw new JobNotFound(jobId);
        // 204 tells an EventSource that reconnected after the last event to stop reconnecting.
        if (opened.alreadyFinished) return { status: 204 };
        return { status: 200, headers: SSE_HEADERS, stream: opened.stream };
      },
    }),
  ];
  return { routes, close: () => hub.close() };
}
