// Worker processes SIGKILLed during e-mail delivery, under the real dev server and real time: once
// while the SMTP server holds its answer to DATA, once after the server accepted the messages but
// before the activities completed. Each e-mail arrives exactly once, seconds after the kill.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { SendEmailResult } from '../../src/email/contracts';
import { createJobsWorker, WORKFLOWS_PATH } from '../../src/worker';
import { createTestApp, type TestApp } from '../helpers/app';
import { postEmail } from '../helpers/email-harness';
import { TestSmtpServer } from '../helpers/smtp-test-server';
import { bundleWorkflows, createLocalEnv } from '../helpers/temporal-env';

const ROOT = path.join(__dirname, '..', '..');
const JOBS_PER_KILL = 4;
/**
 * The 5 s heartbeat timeout, sendEmail's first 2 s backoff, the worker's 2 s sticky-queue timeout
 * for the workflow task after it, and a new worker on a busy machine.
 */
const KILL_TO_COMPLETION_LIMIT_MS = 15_000;

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

/** The JSON lines a child worker wrote on stdout so far. */
function linesOf(child: ChildProcess): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const complete = buffered.split('\n');
    buffered = complete.pop() ?? '';
    for (const line of complete) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not one of the worker's lines
      }
    }
  });
  return lines;
}

function deliveryStarts(events: HistoryEvent[]): HistoryEvent[] {
  const scheduled = events.find(
    (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'deliverEmail',
  );
  return events.filter(
    (event) =>
      scheduled &&
      String(event.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled.eventId),
  );
}

describe('worker processes killed during e-mail delivery', () => {
  let env: TestWorkflowEnvironment;
  let smtp: TestSmtpServer;
  let testApp: TestApp;
  let releaseData: (() => void) | undefined;
  let heldData: Promise<void> | undefined;
  let child: ChildProcess | undefined;
  let survivor: { worker: Worker; running: Promise<void> } | undefined;
  let bundleDir: string;

  beforeAll(async () => {
    env = await createLocalEnv();
    smtp = await TestSmtpServer.start({ holdData: () => heldData });
    testApp = await createTestApp(env.client, { smtpUrl: smtp.url });
    bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-bundle-'));
    fs.writeFileSync(
      path.join(bundleDir, 'bundle.json'),
      JSON.stringify(await bundleWorkflows(WORKFLOWS_PATH)),
    );
  }, 120_000);

  afterEach(async () => {
    releaseData?.();
    heldData = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    if (survivor?.worker.getState() === 'RUNNING') survivor.worker.shutdown();
    await survivor?.running;
    survivor = undefined;
  });

  afterAll(async () => {
    await testApp?.close();
    await smtp?.stop();
    await env?.teardown();
    if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
  });

  async function startChild(holdAfterDelivery: boolean) {
    // Node itself with tsx's loader, not the tsx launcher: the signal must reach the worker.
    child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/held-worker.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATA_DIR: testApp.config.dataDir,
        TEMPORAL_ADDRESS: env.address,
        SMTP_URL: smtp.url,
        HOLD_AFTER_EMAIL_DELIVERY: holdAfterDelivery ? '1' : '0',
        WORKFLOW_BUNDLE_FILE: path.join(bundleDir, 'bundle.json'),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = linesOf(child);
    child.once('exit', (code) => lines.push({ exited: code ?? 'signal' }));
    await until(
      'the child worker to poll',
      () => {
        if (lines.some((line) => line.exited !== undefined)) throw new Error('the child worker exited');
        return lines.some((line) => line.polling) ? true : undefined;
      },
      90_000,
    );
    return lines;
  }

  async function startJobs(round: string): Promise<string[]> {
    const jobIds: string[] = [];
    for (let index = 0; index < JOBS_PER_KILL; index += 1) {
      const payload = {
        to: `${round}-${index}@example.com`,
        template: 'welcome',
        params: { name: `N${index}` },
      };
      jobIds.push(await postEmail(testApp.app, payload));
    }
    return jobIds;
  }

  async function killChild(): Promise<number> {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child!.kill('SIGKILL');
    const killedAt = Date.now();
    await exited;
    return killedAt;
  }

  /** Another worker takes over, as the rest of a deployment would; the jobs' close times. */
  async function survivingWorkerCompletes(jobIds: string[]): Promise<number[]> {
    const worker = await createJobsWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      workflowBundle: await bundleWorkflows(WORKFLOWS_PATH),
      dependencies: { config: testApp.config, temporal: env.client, ...testApp.services },
    });
    survivor = { worker, running: worker.run() };
    return Promise.all(
      jobIds.map(async (jobId) => {
        const handle = env.client.workflow.getHandle(jobId);
        await until(
          `job ${jobId} to finish`,
          async () => ((await handle.describe()).status.name === 'RUNNING' ? undefined : true),
          60_000,
        );
        return (await handle.describe()).closeTime!.getTime();
      }),
    );
  }

  async function expectOneDeliveryEach(jobIds: string[]): Promise<SendEmailResult[]> {
    const results: SendEmailResult[] = [];
    for (const jobId of jobIds) {
      const result = await env.client.workflow.getHandle(jobId).result();
      const received = smtp.received.filter((mail) => mail.parsed.messageId === result.messageId);
      expect(received).toHaveLength(1);
      results.push(result);
    }
    return results;
  }

  async function retriedAfterHeartbeatTimeout(jobId: string): Promise<void> {
    const events = (await env.client.workflow.getHandle(jobId).fetchHistory()).events ?? [];
    // A retried activity's history records only the started event of its last attempt.
    const [attempt, ...others] = deliveryStarts(events);
    expect(others).toHaveLength(0);
    expect(attempt!.activityTaskStartedEventAttributes!.attempt).toBe(2);
    expect(attempt!.activityTaskStartedEventAttributes!.lastFailure?.timeoutFailureInfo?.timeoutType).toBe(
      temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT,
    );
  }

  function report(round: string, killedAt: number, closeTimes: number[]) {
    const seconds = closeTimes.map((closedAt) => ((closedAt - killedAt) / 1000).toFixed(1));
    console.log(`${round}: kill to completion ${seconds.join(', ')} s; duplicates 0 of ${closeTimes.length}`);
    for (const closedAt of closeTimes) expect(closedAt - killedAt).toBeLessThan(KILL_TO_COMPLETION_LIMIT_MS);
  }

  it('killed while the SMTP server holds DATA: each e-mail is delivered once, by the retry', async () => {
    heldData = new Promise((resolve) => (releaseData = resolve));
    await startChild(false);
    const offeredBefore = smtp.offeredMessageIds.length;
    const closedBefore = smtp.closedSessions.size;
    const jobIds = await startJobs('held');
    await until(
      'every message to reach DATA',
      () => (smtp.offeredMessageIds.length - offeredBefore >= JOBS_PER_KILL ? true : undefined),
      30_000,
    );
    const killedAt = await killChild();
    await until(
      "the SMTP server to see the dead worker's connections close",
      () => (smtp.closedSessions.size - closedBefore >= JOBS_PER_KILL ? true : undefined),
      10_000,
    );
    heldData = undefined;
    releaseData!();

    const closeTimes = await survivingWorkerCompletes(jobIds);
    const results = await expectOneDeliveryEach(jobIds);
    for (const result of results) expect(smtp.abandonedMessageIds).toContain(result.messageId);
    for (const jobId of jobIds) await retriedAfterHeartbeatTimeout(jobId);
    report('killed during DATA', killedAt, closeTimes);
  }, 120_000);

  it('killed after the server accepted the messages: the retry finds them in the ledger, sends nothing', async () => {
    const lines = await startChild(true);
    const jobIds = await startJobs('accepted');
    await until(
      'every delivery to be accepted by the SMTP server',
      () => (jobIds.every((jobId) => lines.some((line) => line.delivered === jobId)) ? true : undefined),
      30_000,
    );
    const killedAt = await killChild();

    const closeTimes = await survivingWorkerCompletes(jobIds);
    const results = await expectOneDeliveryEach(jobIds);
    for (const result of results) expect(result.alreadyDelivered).toBe(true);
    for (const jobId of jobIds) await retriedAfterHeartbeatTimeout(jobId);
    report('killed after acceptance', killedAt, closeTimes);
  }, 120_000);
});
