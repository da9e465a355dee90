// Deploys and restarts never burn a job's attempts: ten SIGTERMs to the worker process during one
// long analysis (each past the worker's shutdown grace, so the attempt is interrupted), then a
// SIGTERM whose drain lets the analysis finish, and the job completes with one webhook. Real dev
// server, real worker processes (`runWorkerProcess`), real time.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ErrorType } from '../../src/contracts';
import { WORKFLOWS_PATH } from '../../src/worker';
import { createTestApp, type TestApp } from '../helpers/app';
import { bundleWorkflows, createLocalEnv } from '../helpers/temporal-env';
import { WebhookReceiver } from '../helpers/webhook-receiver';

const ROOT = path.join(__dirname, '..', '..');
const INTERRUPTED_RESTARTS = 10;
/** Short, so that each SIGTERM interrupts the analysis, which would take ten minutes. */
const SHORT_GRACE = '1s';
const ENDLESS_ANALYSIS_MS = 600_000;
/** The drain that lets a 2 s analysis finish. */
const LONG_GRACE = '15s';
const SHORT_ANALYSIS_MS = 2_000;
/** A drained worker exits within its grace plus the time to report and close its connections. */
const EXIT_MARGIN_MS = 8_000;

interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Resolves at the first JSON line on stdout that `matches`. */
  line(matches: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<void>;
}

function lineWaiter(child: ChildProcess) {
  const seen: Array<Record<string, unknown>> = [];
  const waiting: Array<{ matches: (line: Record<string, unknown>) => boolean; resolve: () => void }> = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const text of lines) {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue;
      }
      seen.push(line);
      for (const waiter of waiting.filter((candidate) => candidate.matches(line))) waiter.resolve();
    }
  });
  return (matches: (line: Record<string, unknown>) => boolean, timeoutMs = 30_000) =>
    new Promise<void>((resolve, reject) => {
      if (seen.some(matches)) return resolve();
      const timer = setTimeout(
        () => reject(new Error(`no such worker line within ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
      waiting.push({
        matches,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
}

describe('worker restarts during a long analysis', () => {
  let env: TestWorkflowEnvironment;
  let testApp: TestApp;
  let receiver: WebhookReceiver;
  let bundleDir: string;
  const workers: WorkerProcess[] = [];

  function startWorker(fileId: string, grace: string, analysisMs: number): WorkerProcess {
    // Node itself with tsx's loader, not the tsx launcher: the signal must reach the worker.
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/draining-worker.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATA_DIR: testApp.config.dataDir,
        TEMPORAL_ADDRESS: env.address,
        WEBHOOK_ALLOWED_HOSTS: receiver.allowedHost,
        WORKER_SHUTDOWN_GRACE: grace,
        WORKFLOW_BUNDLE_PATH: path.join(bundleDir, 'workflows.js'),
        SLOW_FILE_ID: fileId,
        SLOW_ANALYSIS_MS: String(analysisMs),
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const worker = { child, exited, line: lineWaiter(child) };
    workers.push(worker);
    return worker;
  }

  /** SIGTERM, as a deploy sends it; resolves with the time the process took to exit. */
  async function terminate(worker: WorkerProcess): Promise<number> {
    const sentAt = Date.now();
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    return Date.now() - sentAt;
  }

  beforeAll(async () => {
    env = await createLocalEnv();
    receiver = await new WebhookReceiver().start();
    testApp = await createTestApp(env.client, { webhookAllowedHosts: [receiver.allowedHost] });
    bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-bundle-'));
    fs.writeFileSync(path.join(bundleDir, 'workflows.js'), (await bundleWorkflows(WORKFLOWS_PATH)).code);
  });

  afterAll(async () => {
    for (const worker of workers) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      await worker.exited;
    }
    await testApp?.close();
    await receiver?.stop();
    await env?.teardown();
    if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
  });

  it('completes the job with one webhook, no attempt spent and no heartbeat timeout', async () => {
    const upload = await testApp.app.inject({
      method: 'POST',
      url: '/files',
      payload: 'analysed across ten deploys',
      headers: { 'content-type': 'text/plain' },
    });
    const { fileId } = upload.json();
    const started = await testApp.app.inject({
      method: 'POST',
      url: '/upload',
      payload: { fileId, notifyUrl: receiver.url },
    });
    expect(started.statusCode).toBe(202);
    const { jobId } = started.json();
    const handle = env.client.workflow.getHandle(jobId);
    const analysing = (line: Record<string, unknown>) => line.analysing === fileId;

    const figures = {
      startToPollingMs: [] as number[],
      restartToAnalysingMs: [] as number[],
      exitMs: [] as number[],
    };
    for (let restart = 0; restart < INTERRUPTED_RESTARTS; restart += 1) {
      const startedAt = Date.now();
      const worker = startWorker(fileId, SHORT_GRACE, ENDLESS_ANALYSIS_MS);
      await worker.line((line) => line.msg === 'worker polling');
      figures.startToPollingMs.push(Date.now() - startedAt);
      await worker.line(analysing);
      figures.restartToAnalysingMs.push(Date.now() - startedAt);
      figures.exitMs.push(await terminate(worker));
    }

    // A drain that is long enough: the running analysis finishes, then the worker exits.
    const drained = startWorker(fileId, LONG_GRACE, SHORT_ANALYSIS_MS);
    await drained.line(analysing);
    const drainMs = await terminate(drained);
    const last = startWorker(fileId, SHORT_GRACE, ENDLESS_ANALYSIS_MS);
    const result = await handle.result();
    figures.exitMs.push(await terminate(last));
    console.info(`drain restarts: ${JSON.stringify({ ...figures, drainMs })}`);

    expect(result).toMatchObject({ fileId, mimeType: 'text/plain', notified: { webhook: true } });
    expect(receiver.deliveriesFor(jobId)).toHaveLength(1);
    for (const exitMs of figures.exitMs) expect(exitMs).toBeLessThan(1_000 + EXIT_MARGIN_MS);
    expect(drainMs).toBeGreaterThan(SHORT_ANALYSIS_MS / 2);
    expect(drainMs).toBeLessThan(15_000);

    const events = (await handle.fetchHistory()).events ?? [];
    const scheduledIds = events
      .filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'analyseFile')
      .map((event) => String(event.eventId));
    expect(scheduledIds).toHaveLength(INTERRUPTED_RESTARTS + 1);
    const ofAnalysis = (id: unknown) => scheduledIds.includes(String(id));
    const starts = events.filter((event) =>
      ofAnalysis(event.activityTaskStartedEventAttributes?.scheduledEventId),
    );
    expect(starts.map((event) => event.activityTaskStartedEventAttributes?.attempt)).toEqual(
      Array(INTERRUPTED_RESTARTS + 1).fill(1),
    );
    const failures = events.filter((event) =>
      ofAnalysis(event.activityTaskFailedEventAttributes?.scheduledEventId),
    );
    expect(
      failures.map((event) => event.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo?.type),
    ).toEqual(Array(INTERRUPTED_RESTARTS).fill(ErrorType.workerShutdown));
    expect(events.filter((event) => event.activityTaskTimedOutEventAttributes)).toHaveLength(0);
    // The drained worker finished the analysis it had started.
    const finished = events.find((event) =>
      ofAnalysis(event.activityTaskCompletedEventAttributes?.scheduledEventId),
    );
    expect(finished?.activityTaskCompletedEventAttributes?.identity).toMatch(
      new RegExp(`^${drained.child.pid}@`),
    );
  }, 170_000);
});
