// `npm start` stopped by Ctrl-C's signal (SIGINT to its whole process group, as a terminal sends
// it) while a step runs: API and worker stop before the Temporal dev server, so the worker reports
// the interrupted attempt itself, and the next `npm start` runs the step again at once instead of
// waiting out a timeout. The real `npm start`, twice on the same data folder.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ErrorType } from '../../src/contracts';
import { startNpmStart, type RunningService } from '../../scripts/npm-start-service';
import { WebhookReceiver } from '../helpers/webhook-receiver';

const JOB_TIMEOUT_MS = 60_000;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

function logMessages(service: RunningService): string[] {
  return fs
    .readFileSync(service.logFile, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return [String((JSON.parse(line) as { msg?: unknown }).msg)];
      } catch {
        return [];
      }
    });
}

async function post(api: string, route: string, body: string, contentType: string) {
  const response = await fetch(`${api}${route}`, {
    method: 'POST',
    body,
    headers: { 'content-type': contentType },
  });
  expect(response.status).toBeLessThan(300);
  return (await response.json()) as Record<string, string>;
}

describe('npm start stopped by Ctrl-C while a step runs', () => {
  let receiver: WebhookReceiver;
  let dataDir: string;
  const services: RunningService[] = [];

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-npm-start-'));
  });

  afterAll(async () => {
    for (const service of services) {
      await service.stop();
      service.cleanUp(false);
    }
    await receiver?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    const service = await startNpmStart('drain', {
      dataDir,
      env: { WEBHOOK_ALLOWED_HOSTS: receiver.allowedHost, WORKER_SHUTDOWN_GRACE: '1s', LOG_LEVEL: 'info' },
    });
    services.push(service);
    return service;
  };

  it('stops the worker before the dev server, which then records the interruption', async () => {
    const first = await start();
    // The webhook step hangs on its first request: an attempt still running at Ctrl-C.
    receiver.hold(1);
    const { fileId } = await post(first.api, '/files', 'stopped mid-webhook', 'text/plain');
    const { jobId } = await post(
      first.api,
      '/upload',
      JSON.stringify({ fileId, notifyUrl: receiver.url }),
      'application/json',
    );
    await until(
      'the webhook request',
      async () => (receiver.deliveriesFor(jobId!).length > 0 ? true : undefined),
      JOB_TIMEOUT_MS,
    );

    const stoppedAt = Date.now();
    expect(await first.stop()).toBe(true);
    const stopMs = Date.now() - stoppedAt;
    const messages = logMessages(first);
    const workerStopped = messages.indexOf('worker stopped');
    const devServerExited = messages.indexOf('Temporal dev server exited');
    expect(workerStopped).toBeGreaterThanOrEqual(0);
    expect(devServerExited).toBeGreaterThan(workerStopped);
    expect(await portOpen(Number(first.env.TEMPORAL_PORT))).toBe(false);

    const second = await start();
    const client = new Client({
      connection: await Connection.connect({ address: `127.0.0.1:${second.env.TEMPORAL_PORT}` }),
    });
    try {
      const restartedAt = Date.now();
      const result = await client.workflow.getHandle(jobId!).result();
      console.info(
        `npm start Ctrl-C: ${JSON.stringify({ stopMs, completedAfterRestartMs: Date.now() - restartedAt })}`,
      );
      expect(result).toMatchObject({ fileId, notified: { webhook: true } });
      const events = (await client.workflow.getHandle(jobId!).fetchHistory()).events ?? [];
      const webhookFailures = events.flatMap(
        (event) => event.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo?.type ?? [],
      );
      expect(webhookFailures).toEqual([ErrorType.workerShutdown]);
      expect(events.filter((event) => event.activityTaskTimedOutEventAttributes)).toHaveLength(0);
      // The held request, then the one the second run answered.
      expect(receiver.deliveriesFor(jobId!)).toHaveLength(2);
    } finally {
      await client.connection.close();
    }
    expect(await second.stop()).toBe(true);
  }, 170_000);
});
