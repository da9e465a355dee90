import { Client, Connection } from '@temporalio/client';
import { startJob } from '../../src/jobs/start-job';
import { processUpload, sendEmail } from '../../src/workflows';
import { jobsHealth, type JobsHealthReport } from '../../src/monitoring/job-health';
import { createTestApp } from '../helpers/app';
import { closedPort } from '../helpers/ports';
import { JobsHarness } from '../helpers/jobs-harness';
import { createLocalEnv } from '../helpers/temporal-env';
import { WebhookReceiver } from '../helpers/webhook-receiver';

const IDLE_QUEUE = 'health-test-nobody-polls';

/** Visibility is eventually consistent: ask again until the report shows what `done` wants. */
async function healthUntil(
  harness: JobsHarness,
  done: (report: JobsHealthReport) => boolean,
): Promise<JobsHealthReport> {
  let report: JobsHealthReport | undefined;
  for (let attempt = 0; attempt < 60; attempt += 1) {
    const response = await harness.app.inject({ method: 'GET', url: '/health/jobs' });
    expect(response.statusCode).toBe(200);
    report = response.json();
    if (done(report!)) return report!;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return report!;
}

describe('GET /health/jobs on the real dev server (visibility counts, task queue)', () => {
  let harness: JobsHarness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    harness = await JobsHarness.start({
      createEnv: createLocalEnv,
      config: { webhookAllowedHosts: [receiver.allowedHost] },
    });
  });

  afterAll(async () => {
    await receiver?.stop();
    await harness?.stop();
  });

  it('counts completed, dead-lettered, queued and cancelled jobs per type, and sees the worker polling', async () => {
    const { fileId } = await harness.uploadFile('healthy', 'text/plain');
    const completed = await harness.startProcessing({ fileId });
    receiver.answer([], 410);
    const { fileId: rejectedFile } = await harness.uploadFile('rejected', 'text/plain');
    const deadLettered = await harness.startProcessing({ fileId: rejectedFile, notifyUrl: receiver.url });
    await harness.waitForJob(completed);
    await harness.waitForJob(deadLettered);
    expect((await harness.status(deadLettered)).state).toBe('dead_lettered');

    // Nobody polls this queue: these stay queued, like jobs waiting for a worker.
    const client = harness.env.client;
    const input = { fileId, sha256: 'x', size: 1, contentType: 'text/plain' };
    await startJob(client, processUpload, input, { taskQueue: IDLE_QUEUE });
    await startJob(client, processUpload, input, { taskQueue: IDLE_QUEUE, startDelayMs: 3_600_000 });
    const stopped = await startJob(client, processUpload, input, { taskQueue: IDLE_QUEUE });
    await client.workflow.getHandle(stopped.jobId).terminate('health test');

    const expected = {
      scheduled: 1,
      queued: 1,
      running: 0,
      completed: 1,
      failed: 0,
      deadLettered: 1,
      deadLettersPending: 1,
      cancelled: 1,
    };
    const report = await healthUntil(
      harness,
      (candidate) => JSON.stringify(candidate.jobs?.processUpload) === JSON.stringify(expected),
    );
    expect(report).toMatchObject({ status: 'ok', temporal: 'reachable' });
    expect(report.jobs!.processUpload).toEqual(expected);
    expect(report.jobs!.sendEmail).toEqual({
      scheduled: 0,
      queued: 0,
      running: 0,
      completed: 0,
      failed: 0,
      deadLettered: 0,
      deadLettersPending: 0,
      cancelled: 0,
    });
    expect(report.totals).toEqual(expected);

    expect(report.taskQueue!.name).toBe('durable-jobs');
    expect(report.taskQueue!.workersSeen).toBe(true);
    expect(report.taskQueue!.workflow.pollers.length).toBeGreaterThanOrEqual(1);
    expect(report.taskQueue!.activity.pollers.length).toBeGreaterThanOrEqual(1);
    expect(Date.parse(report.taskQueue!.workflow.pollers[0]!.lastAccessTime!)).not.toBeNaN();
  });

  it('counts a discarded dead letter among the runs that ended dead-lettered, no longer among the pending', async () => {
    const listed = await harness.app.inject({ method: 'GET', url: '/dead-letters?status=pending' });
    const [entry] = listed.json().items;
    expect(entry).toMatchObject({ jobType: 'processUpload' });
    const discarded = await harness.app.inject({ method: 'DELETE', url: `/dead-letters/${entry.id}` });
    expect(discarded.statusCode).toBeLessThan(300);

    const response = await harness.app.inject({ method: 'GET', url: '/health/jobs' });
    const report: JobsHealthReport = response.json();
    expect(report.jobs!.processUpload).toMatchObject({ deadLettered: 1, deadLettersPending: 0 });
    expect(report.totals).toMatchObject({ deadLettered: 1, deadLettersPending: 0 });
  });

  it('reports the backlog of a queue nobody polls, and its age', async () => {
    const client = harness.env.client;
    await startJob(
      client,
      sendEmail,
      { to: 'a@example.com', template: 'welcome', params: {} },
      {
        taskQueue: IDLE_QUEUE,
      },
    );
    let report: JobsHealthReport | undefined;
    for (let attempt = 0; attempt < 40; attempt += 1) {
      report = await jobsHealth(client, { taskQueue: IDLE_QUEUE });
      if ((report.taskQueue?.workflow.backlog ?? 0) >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(report!.status).toBe('ok');
    const workflowQueue = report!.taskQueue!.workflow;
    expect(workflowQueue.pollers).toEqual([]);
    expect(report!.taskQueue!.workersSeen).toBe(false);
    // Two processUpload jobs from the test before and this one; the terminated one left no task.
    expect(workflowQueue.backlog).toBeGreaterThanOrEqual(2);
    expect(workflowQueue.backlogAgeSeconds).toBeGreaterThan(0);
  });

  it('answers 503 with temporal "unreachable" when Temporal cannot be reached, instead of hanging', async () => {
    const port = await closedPort();
    const client = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${port}` }) });
    const app = await createTestApp(client, { temporalAddress: `127.0.0.1:${port}` });
    try {
      const response = await app.app.inject({ method: 'GET', url: '/health/jobs' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        error: 'Temporal is unavailable',
        code: 'TEMPORAL_UNAVAILABLE',
        status: 'unavailable',
        temporal: 'unreachable',
        address: `127.0.0.1:${port}`,
      });
      expect(response.json().reason).toEqual(expect.any(String));
    } finally {
      await app.close();
      await client.connection.close();
    }
  });
});
