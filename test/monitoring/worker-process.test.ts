// The worker as its own process (`npm run worker`): its Temporal SDK metrics reach the API's
// /metrics through WORKER_METRICS_ADDRESS, and its JSON log lines about a job name the job.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestApp, type TestApp } from '../helpers/app';
import { closedPort } from '../helpers/ports';
import { family, parseExposition, sampleValue } from '../helpers/prometheus';
import { createLocalEnv } from '../helpers/temporal-env';
import { WebhookReceiver } from '../helpers/webhook-receiver';

const ROOT = path.join(__dirname, '..', '..');

describe('worker process: SDK metrics in /metrics, job identifiers in its logs', () => {
  let env: TestWorkflowEnvironment;
  let testApp: TestApp;
  let worker: ChildProcess;
  let receiver: WebhookReceiver;
  const logLines: Array<Record<string, unknown>> = [];
  let workerExited: Promise<void>;

  beforeAll(async () => {
    env = await createLocalEnv();
    receiver = await new WebhookReceiver().start();
    const metricsAddress = `127.0.0.1:${await closedPort()}`;
    testApp = await createTestApp(env.client, {
      workerMetricsAddress: metricsAddress,
      webhookAllowedHosts: [receiver.allowedHost],
    });
    worker = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/worker.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATA_DIR: testApp.config.dataDir,
        TEMPORAL_ADDRESS: env.address,
        WORKER_METRICS_ADDRESS: metricsAddress,
        WEBHOOK_ALLOWED_HOSTS: receiver.allowedHost,
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    workerExited = new Promise((resolve) => worker.once('exit', () => resolve()));
    let buffered = '';
    const polling = new Promise<void>((resolve, reject) => {
      worker.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
      worker.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          try {
            const parsed = JSON.parse(line) as Record<string, unknown>;
            logLines.push(parsed);
            if (parsed.msg === 'worker polling') resolve();
          } catch {
            // not a log line
          }
        }
      });
    });
    await polling;
  });

  /** The worker's lines cross a pipe: one written before the job ended may still be on its way. */
  async function logLine(matches: (line: Record<string, unknown>) => boolean) {
    for (let poll = 0; poll < 50 && !logLines.some(matches); poll += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return logLines.find(matches);
  }

  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      worker.kill('SIGTERM');
      await workerExited;
    }
    await testApp?.close();
    await receiver?.stop();
    await env?.teardown();
  });

  it('runs a job whose activity log lines carry jobId, workflowId and runId', async () => {
    const upload = await testApp.app.inject({
      method: 'POST',
      url: '/files',
      payload: 'metrics and logs',
      headers: { 'content-type': 'text/plain' },
    });
    const { fileId } = upload.json();
    const started = await testApp.app.inject({
      method: 'POST',
      url: '/upload',
      payload: { fileId, notifyUrl: receiver.url },
    });
    const { jobId } = started.json();
    await env.client.workflow.getHandle(jobId).result();
    const runId = (await env.client.workflow.getHandle(jobId).describe()).runId;

    const analysed = await logLine((line) => line.msg === 'file analysed' && line.jobId === jobId);
    expect(analysed).toMatchObject({ jobId, workflowId: jobId, runId, activity: 'analyseFile', attempt: 1 });
    const delivered = await logLine((line) => line.msg === 'webhook delivered' && line.jobId === jobId);
    expect(delivered).toMatchObject({ workflowId: jobId, runId, activity: 'notifyWebhook', status: 200 });
  });

  it("appends the worker's Temporal SDK metrics to the API's /metrics", async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    const families = parseExposition(response.body);
    expect(sampleValue(families, 'durable_jobs_worker_metrics_up')).toBe(1);
    const sdkFamilies = families.filter((candidate) => candidate.name.startsWith('temporal_'));
    expect(sdkFamilies.length).toBeGreaterThan(0);
    // The job the first test ran: one workflow completed, its analysis and webhook steps timed.
    const total = (name: string, sample: string) =>
      family(families, name)
        ?.samples.filter((entry) => entry.name === sample)
        .reduce((sum, entry) => sum + entry.value, 0);
    expect(family(families, 'temporal_workflow_completed')?.type).toBe('counter');
    expect(total('temporal_workflow_completed', 'temporal_workflow_completed')).toBeGreaterThanOrEqual(1);
    expect(family(families, 'temporal_activity_execution_latency')?.type).toBe('histogram');
    expect(
      total('temporal_activity_execution_latency', 'temporal_activity_execution_latency_count'),
    ).toBeGreaterThanOrEqual(2);
  });
});
