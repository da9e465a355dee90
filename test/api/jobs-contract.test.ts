// A job through the HTTP contract, on each server: upload, start with an Idempotency-Key, follow
// its events to the end as an EventSource does (reconnecting with Last-Event-ID), read its status,
// and see the requests counted in /metrics by route pattern. A real Temporal dev server and the
// project's worker run the job.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createJobsWorker, WORKFLOWS_PATH } from '../../src/worker';
import { HTTP_ADAPTERS, startAdapterApp, type AdapterApp } from '../helpers/http-adapters';
import { parseExposition, sampleValue } from '../helpers/prometheus';
import { readEventStream, type SseResponse } from '../helpers/sse';
import { bundleWorkflows, createLocalEnv } from '../helpers/temporal-env';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await createLocalEnv();
  bundle = await bundleWorkflows(WORKFLOWS_PATH, false);
});

afterAll(async () => {
  await env?.teardown();
});

/** Reads the job's events until the server says it has no more (204), reconnecting as EventSource does. */
async function followToEnd(url: string): Promise<{ answers: SseResponse[]; events: SseResponse['events'] }> {
  const answers: SseResponse[] = [];
  let lastEventId: string | undefined;
  for (let connection = 0; connection < 200; connection += 1) {
    const answer = await readEventStream(url, lastEventId ? { 'last-event-id': lastEventId } : {});
    answers.push(answer);
    if (answer.status !== 200) break;
    lastEventId = answer.events.at(-1)?.id ?? lastEventId;
  }
  return { answers, events: answers.flatMap((answer) => answer.events) };
}

describe.each(HTTP_ADAPTERS)('a job through the HTTP contract (%s)', (adapter) => {
  let app: AdapterApp;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    app = await startAdapterApp(adapter, { temporal: env.client, temporalAddress: env.address });
    worker = await createJobsWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      workflowBundle: bundle,
      dependencies: { config: app.config, temporal: env.client, ...app.services },
    });
    running = worker.run();
  });

  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await app?.close();
  });

  async function upload(content: string): Promise<string> {
    const response = await app.inject({
      method: 'POST',
      url: '/files',
      payload: content,
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers.location).toBe(`/files/${response.json().fileId}`);
    return response.json().fileId;
  }

  it('starts a job once per Idempotency-Key, refuses the key with another body, follows it to the end', async () => {
    const fileId = await upload('follow me\nto the end');
    const start = (body: object, key: string) =>
      app.inject({ method: 'POST', url: '/upload', payload: body, headers: { 'idempotency-key': key } });

    const first = await start({ fileId }, `key-${adapter}`);
    expect(first.statusCode).toBe(202);
    const { jobId } = first.json();
    expect(first.json()).toEqual({ jobId, status: 'queued', statusUrl: `/jobs/${jobId}` });
    const retried = await start({ fileId }, `key-${adapter}`);
    expect(retried.statusCode).toBe(202);
    expect(retried.json().jobId).toBe(jobId);
    const reused = await start({ fileId, priority: 1 }, `key-${adapter}`);
    expect(reused.statusCode).toBe(422);
    expect(reused.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    const tooLong = await start({ fileId }, 'k'.repeat(201));
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'Idempotency-Key' });

    const { answers, events } = await followToEnd(`${await app.url()}/jobs/${jobId}/events`);
    expect(answers[0]!.status).toBe(200);
    expect(answers[0]!.headers['content-type']).toContain('text/event-stream');
    expect(answers[0]!.body.startsWith('retry: ')).toBe(true);
    expect(answers.at(-1)!.status).toBe(204);
    const statuses = events.map((event) => JSON.parse(event.data));
    expect(statuses.at(-1)).toMatchObject({ jobId, state: 'completed', progress: 100, stage: 'done' });
    expect(events.at(-1)!.event).toBe('end');
    const ids = events.map((event) => Number(event.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);

    const status = await app.inject({ method: 'GET', url: `/jobs/${jobId}` });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ jobId, state: 'completed', progress: 100 });
  });

  it('streams a finished job whole, gives a client behind only the final event, and 204 after it', async () => {
    const fileId = await upload('already done');
    const started = await app.inject({ method: 'POST', url: '/upload', payload: { fileId } });
    const { jobId } = started.json();
    await env.client.workflow.getHandle(jobId).result();
    const url = `${await app.url()}/jobs/${jobId}/events`;

    const whole = await readEventStream(url);
    expect(whole.status).toBe(200);
    expect(whole.events.map((event) => event.event)).toEqual(['end']);
    const finalId = whole.events[0]!.id!;
    expect((await readEventStream(url, { 'last-event-id': finalId })).status).toBe(204);
    const behind = await readEventStream(url, { 'last-event-id': String(Number(finalId) - 1) });
    expect(behind.events.map((event) => event.id)).toEqual([finalId]);
  });

  it('answers 404 JSON for the events of an unknown job', async () => {
    const response = await app.inject({ method: 'GET', url: '/jobs/upload-nope/events' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND', jobId: 'upload-nope' });
  });

  it('counts requests in /metrics by route pattern and status', async () => {
    await app.inject({ method: 'GET', url: '/jobs/upload-unknown' });
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const families = parseExposition(response.body);
    const count = (route: string, status: string) =>
      sampleValue(families, 'durable_jobs_http_requests_total', { route, status });
    expect(count('/jobs/:jobId', '404')).toBeGreaterThanOrEqual(1);
    expect(count('/upload', '202')).toBeGreaterThanOrEqual(1);
    expect(count('/jobs/:jobId/events', '204')).toBeGreaterThanOrEqual(1);
  });
});
