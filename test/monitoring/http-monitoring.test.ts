import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closedPort } from '../helpers/ports';
import { createTestApp } from '../helpers/app';
import { JobsHarness } from '../helpers/jobs-harness';
import { parseExposition, sampleValue, family } from '../helpers/prometheus';
import { readEventStream } from '../helpers/sse';
import { WebhookReceiver } from '../helpers/webhook-receiver';

describe('monitoring over HTTP: job event stream and /metrics', () => {
  let harness: JobsHarness;
  let receiver: WebhookReceiver;
  let baseUrl: string;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    harness = await JobsHarness.start({ config: { webhookAllowedHosts: [receiver.allowedHost] } });
    await harness.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await receiver?.stop();
    await harness?.stop();
  });

  it('streams a job from start to end over real HTTP, then a reconnect after the end gets 204', async () => {
    const { fileId } = await harness.uploadFile('stream me\nplease', 'text/plain');
    const jobId = await harness.startProcessing({ fileId, notifyUrl: receiver.url });

    const streamed = await readEventStream(`${baseUrl}/jobs/${jobId}/events`);
    expect(streamed.status).toBe(200);
    expect(streamed.headers['content-type']).toContain('text/event-stream');
    expect(streamed.body.startsWith('retry: ')).toBe(true);
    const statuses = streamed.events.map((event) => JSON.parse(event.data));
    expect(statuses.length).toBeGreaterThanOrEqual(1);
    expect(statuses.at(-1)).toMatchObject({ jobId, state: 'completed', progress: 100, stage: 'done' });
    expect(statuses.at(-1).result).toMatchObject({ fileId });
    expect(streamed.events.at(-1)!.event).toBe('end');
    const ids = streamed.events.map((event) => Number(event.id));
    for (let index = 1; index < ids.length; index += 1) expect(ids[index]!).toBeGreaterThan(ids[index - 1]!);
    const progress = statuses.map((status) => status.progress as number);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);

    const reconnect = await readEventStream(`${baseUrl}/jobs/${jobId}/events`, {
      'last-event-id': String(ids.at(-1)),
    });
    expect(reconnect.status).toBe(204);
    expect(reconnect.events).toEqual([]);

    // A client that saw an earlier event gets only the final one.
    const behind = await readEventStream(`${baseUrl}/jobs/${jobId}/events`, {
      'last-event-id': String(ids.at(-1)! - 1),
    });
    expect(behind.events).toHaveLength(1);
    expect(behind.events[0]!.id).toBe(String(ids.at(-1)));
  });

  it('answers 404 JSON for an unknown job', async () => {
    const response = await harness.app.inject({ method: 'GET', url: '/jobs/upload-nope/events' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND', jobId: 'upload-nope' });
  });

  it('ends open streams when the server closes', async () => {
    const app = await createTestApp(harness.env.client);
    // A job that stays queued: nothing polls this task queue.
    const started = await harness.env.client.workflow.start('processUpload', {
      taskQueue: 'nobody-polls-here',
      workflowId: `upload-idle-${Date.now()}`,
      args: [{ fileId: 'x', sha256: 'x', size: 1, contentType: 'text/plain' }],
    });
    await app.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}/jobs/${started.workflowId}/events`;
    const reading = readEventStream(url);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await app.close();
    const streamed = await reading;
    expect(streamed.status).toBe(200);
    expect(JSON.parse(streamed.events[0]!.data)).toMatchObject({ state: 'queued' });
    await started.terminate('test done');
  });

  it('stops watching a job when its only client goes away', async () => {
    const gauge = async (name: string) => {
      const response = await harness.app.inject({ method: 'GET', url: '/metrics' });
      return sampleValue(parseExposition(response.body), name) ?? 0;
    };
    const started = await harness.env.client.workflow.start('processUpload', {
      taskQueue: 'nobody-polls-here',
      workflowId: `upload-left-${Date.now()}`,
      args: [{ fileId: 'x', sha256: 'x', size: 1, contentType: 'text/plain' }],
    });
    const streamsBefore = await gauge('durable_jobs_event_streams_open');
    const watchersBefore = await gauge('durable_jobs_job_watchers');
    const request = http.get(`${baseUrl}/jobs/${started.workflowId}/events`);
    const firstChunk = await new Promise<string>((resolve, reject) => {
      request.on('response', (response) =>
        response.once('data', (chunk: Buffer) => resolve(chunk.toString())),
      );
      request.on('error', reject);
    });
    expect(firstChunk).toContain('retry:');
    expect(await gauge('durable_jobs_event_streams_open')).toBe(streamsBefore + 1);
    expect(await gauge('durable_jobs_job_watchers')).toBe(watchersBefore + 1);

    request.destroy();
    let streams = -1;
    let watchers = -1;
    for (let attempt = 0; attempt < 50; attempt += 1) {
      streams = await gauge('durable_jobs_event_streams_open');
      watchers = await gauge('durable_jobs_job_watchers');
      if (streams === streamsBefore && watchers === watchersBefore) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(streams).toBe(streamsBefore);
    expect(watchers).toBe(watchersBefore);
    await started.terminate('test done');
  });

  it('/metrics parses as Prometheus text and counts requests by route pattern, status and jobs started', async () => {
    const { fileId } = await harness.uploadFile('count me', 'text/plain');
    const jobId = await harness.startProcessing({ fileId });
    await harness.waitForJob(jobId);
    await harness.status(jobId);
    await harness.app.inject({ method: 'GET', url: '/jobs/upload-unknown' });
    await harness.app.inject({ method: 'GET', url: '/no/such/route/42' });

    const response = await harness.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const families = parseExposition(response.body);

    expect(
      sampleValue(families, 'durable_jobs_http_requests_total', { route: '/jobs/:jobId', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(families, 'durable_jobs_http_requests_total', { route: '/jobs/:jobId', status: '404' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(families, 'durable_jobs_http_requests_total', {
        method: 'POST',
        route: '/upload',
        status: '202',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(families, 'durable_jobs_http_requests_total', { route: 'unmatched', status: '404' }),
    ).toBeGreaterThanOrEqual(1);
    const routes = family(families, 'durable_jobs_http_requests_total')!.samples.map(
      (sample) => sample.labels.route!,
    );
    expect(routes.some((route) => route.includes(jobId) || route.includes('42'))).toBe(false);

    const latency = family(families, 'durable_jobs_http_request_duration_seconds');
    expect(latency?.type).toBe('histogram');
    expect(
      sampleValue(families, 'durable_jobs_http_request_duration_seconds_bucket', {
        method: 'POST',
        route: '/upload',
        status: '202',
        le: '+Inf',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(families, 'durable_jobs_http_request_duration_seconds_count', {
        route: '/jobs/:jobId',
        status: '404',
      }),
    ).toBeGreaterThanOrEqual(1);

    expect(
      sampleValue(families, 'durable_jobs_jobs_started_total', {
        job_type: 'processUpload',
        outcome: 'created',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(family(families, 'durable_jobs_process_cpu_seconds_total')?.type).toBe('counter');
    expect(sampleValue(families, 'durable_jobs_process_cpu_seconds_total')).toBeGreaterThan(0);
    // Without a worker metrics address nothing about the worker is reported.
    expect(family(families, 'durable_jobs_worker_metrics_up')).toBeUndefined();
  });

  it('/metrics reads pending dead letters per job type from the store at each scrape', async () => {
    const pendingOf = async (type: string) => {
      const response = await harness.app.inject({ method: 'GET', url: '/metrics' });
      const families = parseExposition(response.body);
      expect(family(families, 'durable_jobs_dead_letters_pending')?.type).toBe('gauge');
      return sampleValue(families, 'durable_jobs_dead_letters_pending', { type });
    };
    const before = {
      sendEmail: await pendingOf('sendEmail'),
      processUpload: await pendingOf('processUpload'),
    };
    expect(before).toEqual({ sendEmail: expect.any(Number), processUpload: expect.any(Number) });

    const store = harness.testApp.services.deadLetters;
    const failure = { errorType: 'SmtpPermanentFailure', errorMessage: '550', failedStep: 'deliverEmail' };
    const entry = (jobId: string, jobType: string) => ({
      jobId,
      runId: 'run-1',
      jobType,
      input: {},
      ...failure,
      attempts: [],
      jobStartedAt: null,
    });
    const kept = await store.record(entry('email-metrics-kept', 'sendEmail'));
    const dropped = await store.record(entry('email-metrics-dropped', 'sendEmail'));
    await store.record(entry('upload-metrics', 'processUpload'));
    expect(await pendingOf('sendEmail')).toBe(before.sendEmail! + 2);
    expect(await store.discard(dropped.id)).toBe(true);

    expect(await pendingOf('sendEmail')).toBe(before.sendEmail! + 1);
    expect(await pendingOf('processUpload')).toBe(before.processUpload! + 1);
    expect(kept.status).toBe('pending');
  });

  it("appends the worker's exporter output, and still answers when that exporter is down or hangs", async () => {
    const exporter = http.createServer((_request, response) => {
      response.setHeader('content-type', 'text/plain');
      response.end(
        '# HELP temporal_fake_total A stand-in SDK series\n# TYPE temporal_fake_total counter\ntemporal_fake_total{task_queue="durable-jobs"} 3\n',
      );
    });
    const hanging = http.createServer(() => undefined);
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const address = (server: http.Server) => `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const scrape = async (workerMetricsAddress: string) => {
      const app = await createTestApp(harness.env.client, { workerMetricsAddress });
      try {
        const response = await app.app.inject({ method: 'GET', url: '/metrics' });
        expect(response.statusCode).toBe(200);
        return parseExposition(response.body);
      } finally {
        await app.close();
      }
    };
    try {
      const up = await scrape(address(exporter));
      expect(sampleValue(up, 'temporal_fake_total', { task_queue: 'durable-jobs' })).toBe(3);
      expect(sampleValue(up, 'durable_jobs_worker_metrics_up')).toBe(1);

      const down = await scrape(`127.0.0.1:${await closedPort()}`);
      expect(sampleValue(down, 'durable_jobs_worker_metrics_up')).toBe(0);
      expect(family(down, 'durable_jobs_http_requests_total')?.type).toBe('counter');

      const slow = await scrape(address(hanging));
      expect(sampleValue(slow, 'durable_jobs_worker_metrics_up')).toBe(0);
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
      await new Promise((resolve) => exporter.close(resolve));
    }
  });
});
