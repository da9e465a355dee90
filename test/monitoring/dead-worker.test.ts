// A worker process killed in the middle of an analysis is noticed by analyseFile's heartbeat
// timeout, under the real dev server and real time, and another worker finishes the job.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createJobsWorker, WORKFLOWS_PATH } from '../../src/worker';
import { createTestApp, type TestApp } from '../helpers/app';
import { bundleWorkflows, createLocalEnv } from '../helpers/temporal-env';

const ROOT = path.join(__dirname, '..', '..');
/** The promise: a dead worker's analysis is retried within the declared 15 s heartbeat timeout… */
const HEARTBEAT_TIMEOUT_MS = 15_000;
/** …plus analyseFile's first backoff (1 s) and a second worker's poll on a busy machine. */
const RETRY_MARGIN_MS = 9_000;
/** Long enough for the margin, far short of a heartbeat timeout in minutes. */
const GIVE_UP_AFTER_MS = 60_000;

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Resolves with the first JSON line on the child's stdout that satisfies `matches`. */
function lineFrom(child: ChildProcess, matches: (line: Record<string, unknown>) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.once('exit', (code) => reject(new Error(`held worker exited early with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        try {
          if (matches(JSON.parse(line) as Record<string, unknown>)) resolve();
        } catch {
          // not one of the worker's lines
        }
      }
    });
  });
}

function analyseStarts(events: HistoryEvent[]) {
  const scheduled = events.find(
    (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'analyseFile',
  );
  return events.filter(
    (event) =>
      scheduled &&
      String(event.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled.eventId),
  );
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

describe('a worker that dies mid-analysis', () => {
  let env: TestWorkflowEnvironment;
  let testApp: TestApp;
  let heldWorker: ChildProcess | undefined;
  let secondWorker: Worker | undefined;
  let secondRunning: Promise<void> | undefined;

  beforeAll(async () => {
    env = await createLocalEnv();
    testApp = await createTestApp(env.client);
    await bundleWorkflows(WORKFLOWS_PATH);
  });

  afterAll(async () => {
    if (heldWorker && heldWorker.exitCode === null && heldWorker.signalCode === null) {
      const exited = new Promise((resolve) => heldWorker!.once('exit', resolve));
      heldWorker.kill('SIGKILL');
      await exited;
    }
    if (secondWorker?.getState() === 'RUNNING') secondWorker.shutdown();
    await secondRunning;
    await testApp?.close();
    await env?.teardown();
  });

  it('is noticed by the heartbeat timeout, and a second worker completes the job', async () => {
    const upload = await testApp.app.inject({
      method: 'POST',
      url: '/files',
      payload: 'analysed by whoever survives',
      headers: { 'content-type': 'text/plain' },
    });
    const { fileId } = upload.json();

    // Node itself with tsx's loader, not the tsx launcher: the signal must reach the worker.
    heldWorker = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/held-worker.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATA_DIR: testApp.config.dataDir,
        TEMPORAL_ADDRESS: env.address,
        HELD_FILE_ID: fileId,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const holding = lineFrom(heldWorker, (line) => line.holding === fileId);
    const started = await testApp.app.inject({ method: 'POST', url: '/upload', payload: { fileId } });
    const { jobId } = started.json();
    const handle = env.client.workflow.getHandle(jobId);
    await holding;
    // The server has the first worker's heartbeat: from here on only its death stops them.
    await until(
      'a heartbeat from the held worker',
      async () => (await handle.describe()).raw.pendingActivities?.find((a) => a.lastHeartbeatTime),
      10_000,
    );

    const exited = new Promise((resolve) => heldWorker!.once('exit', resolve));
    heldWorker.kill('SIGKILL');
    const killedAt = Date.now();
    await exited;

    secondWorker = await createJobsWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      workflowBundle: await bundleWorkflows(WORKFLOWS_PATH),
      dependencies: {
        config: testApp.config,
        temporal: env.client,
        ...testApp.services,
      },
    });
    secondRunning = secondWorker.run();
    await until(
      'the job to finish after its worker was killed',
      async () => ((await handle.describe()).status.name === 'RUNNING' ? undefined : true),
      GIVE_UP_AFTER_MS,
    );
    const result = await handle.result();
    expect(result).toMatchObject({ fileId, mimeType: 'text/plain' });

    const [retry, ...others] = analyseStarts(await handle.fetchHistory().then((h) => h.events ?? []));
    expect(others).toHaveLength(0);
    const attributes = retry!.activityTaskStartedEventAttributes!;
    expect(attributes.attempt).toBe(2);
    expect(attributes.lastFailure?.timeoutFailureInfo?.timeoutType).toBe(
      temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT,
    );
    const killToRetryMs = optionalTsToMs(retry!.eventTime)! - killedAt;
    expect(killToRetryMs).toBeGreaterThan(0);
    expect(killToRetryMs).toBeLessThan(HEARTBEAT_TIMEOUT_MS + RETRY_MARGIN_MS);
  }, 120_000);
});
