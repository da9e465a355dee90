// Prometheus metrics of the API process. One registry per process, like the jobs it counts:
// `startJob` is called from routes, the outbox relay and redrives alike.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobType } from '../contracts';

export const metricsRegistry = new Registry();

collectDefaultMetrics({ register: metricsRegistry, prefix: 'durable_jobs_' });

export const httpRequestsTotal = new Counter({
  name: 'durable_jobs_http_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

export const httpRequestDuration = new Histogram({
  name: 'durable_jobs_http_request_duration_seconds',
  help: 'Time to answer an HTTP request (for streams: until the stream closed), by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

export const jobsStartedTotal = new Counter({
  name: 'durable_jobs_jobs_started_total',
  help: 'Job start requests that reached Temporal, by job type; outcome "existing" means an idempotency key matched a job already there',
  labelNames: ['job_type', 'outcome'] as const,
  registers: [metricsRegistry],
});

/** Label for requests that matched no route: raw URLs would make one series per URL. */
/** The `route` label of requests that matched no route, so unknown URLs never make new series. */
export const UNMATCHED_ROUTE = 'unmatched';

export interface RequestSample {
  method: string;
  /** The route pattern (`/jobs/:jobId`), never the raw URL; undefined when no route matched. */
  route: string | undefined;
  status: number;
  durationSeconds: number;
}

export function observeRequest(sample: RequestSample): void {
  const labels = {
    method: sample.method,
    route: sample.route ?? UNMATCHED_ROUTE,
    status: String(sample.status),
  };
  httpRequestsTotal.inc(labels);
  httpRequestDuration.observe(labels, sample.durationSeconds);
}

export function countJobStart(jobType: JobType, created: boolean): void {
  jobsStartedTotal.inc({ job_type: jobType, outcome: created ? 'created' : 'existing' });
}

export const workerMetricsUp = new Gauge({
  name: 'durable_jobs_worker_metrics_up',
  help: "1 when the worker's Temporal SDK metrics could be read for this scrape, 0 when not; absent when no worker metrics address is configured",
  registers: [],
});

/** Set from the dead-letter store at each scrape (the route's own registry): every process reads the same store. */
export const deadLettersPending = new Gauge({
  name: 'durable_jobs_dead_letters_pending',
  help: 'Dead letters still pending in the store (neither redriven nor discarded), by job type',
  labelNames: ['type'] as const,
  registers: [],
});

export const eventStreamsOpen = new Gauge({
  name: 'durable_jobs_event_streams_open',
  help: 'Job event streams (GET /jobs/:jobId/events) open now',
  registers: [metricsRegistry],
});

export const jobWatchersActive = new Gauge({
  name: 'durable_jobs_job_watchers',
  help: 'Jobs being polled for their event streams now (one watcher per job, however many clients)',
  registers: [metricsRegistry],
});

export const retentionDeletedFilesTotal = new Counter({
  name: 'durable_jobs_retention_deleted_files_total',
  help: 'Uploaded files the retention sweep deleted in this process, by reason: "expired" (their jobs ended longer ago than FILE_RETENTION) or "orphan" (no job used them within FILE_ORPHAN_RETENTION)',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

export const retentionRedactedDeadLettersTotal = new Counter({
  name: 'durable_jobs_retention_redacted_dead_letters_total',
  help: 'Dead letters whose personal fields the retention sweep redacted in this process (DEAD_LETTER_REDACT_AFTER)',
  registers: [metricsRegistry],
});
