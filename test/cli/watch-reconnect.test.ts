// `status --watch` across an API restart: the command waits for the API with a bounded back-off,
// resumes the event stream with Last-Event-ID, and follows the job to its end; an API that stays
// away ends the command with a clear error. The API is the real one, closed and started again on
// the same loopback port; the job's analysis is held open until the test lets it go.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import { silentLogger } from '../../src/logger';
import { startCli, waitForStderr } from '../helpers/cli';
import { HeldAnalysis } from '../helpers/held-analysis';
import { JobsHarness } from '../helpers/jobs-harness';
import { closedPort } from '../helpers/ports';
import { createLocalEnv } from '../helpers/temporal-env';

describe('durable-jobs status --watch when the API restarts', () => {
  const restarted = new HeldAnalysis();
  const abandoned = new HeldAnalysis();
  let harness: JobsHarness;
  let port: number;
  let api: FastifyInstance | undefined;
  const eventRequests: { lastEventId?: string }[] = [];

  /** A fresh API process's worth of routes over the same services, on the same port. */
  async function startApi(): Promise<void> {
    await stopApi();
    const app = buildApp({
      config: harness.testApp.config,
      logger: silentLogger,
      temporal: harness.env.client,
      services: harness.testApp.services,
    });
    app.addHook('onRequest', async (request) => {
      if (request.url.endsWith('/events')) {
        eventRequests.push({ lastEventId: request.headers['last-event-id'] as string | undefined });
      }
    });
    await app.listen({ port, host: '127.0.0.1' });
    api = app;
  }

  async function stopApi(): Promise<void> {
    await api?.close();
    api = undefined;
  }

  async function heldJob(held: HeldAnalysis, content: string): Promise<string> {
    const { fileId } = await harness.uploadFile(content, 'text/plain');
    held.fileId = fileId;
    return harness.startProcessing({ fileId });
  }

  beforeAll(async () => {
    harness = await JobsHarness.start({
      createEnv: () => createLocalEnv(),
      wrapActivities: (activities) => abandoned.wrap(restarted.wrap(activities)),
    });
    port = await closedPort();
  });

  afterAll(async () => {
    restarted.release();
    abandoned.release();
    await stopApi();
    await harness?.stop();
  });

  it('reconnects with Last-Event-ID and follows the job to its end', async () => {
    const jobId = await heldJob(restarted, 'followed across a restart\n');
    await startApi();
    const watching = startCli(['status', jobId, '--watch', '--api', `http://127.0.0.1:${port}`]);
    await waitForStderr(watching, /running \(analysing\)/);

    await stopApi();
    await waitForStderr(watching, /connection lost \(.*\); reconnecting…/);
    // Down for longer than the first back-off steps, as a restart is.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    eventRequests.length = 0;
    await startApi();
    await waitForStderr(watching, /reconnected/);
    restarted.release();

    const run = await watching.done;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('state:    completed');
    expect(run.stderr).toMatch(/100% completed \(done\)/);
    expect(run.stderr).not.toContain('ECONNREFUSED\n');
    // The stream was resumed from the last event seen, not replayed from the start.
    expect(eventRequests[0]?.lastEventId).toMatch(/^\d+$/);
  });

  it('gives up with a clear error when the API stays away longer than --reconnect-for', async () => {
    const jobId = await heldJob(abandoned, 'the API goes away for good\n');
    await startApi();
    const watching = startCli([
      'status',
      jobId,
      '--watch',
      '--reconnect-for',
      '2',
      '--api',
      `http://127.0.0.1:${port}`,
    ]);
    await waitForStderr(watching, /running \(analysing\)/);
    const stoppedAt = Date.now();
    await stopApi();

    const run = await watching.done;
    const waited = Date.now() - stoppedAt;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `error: cannot reach the durable-jobs API at http://127.0.0.1:${port} (ECONNREFUSED); gave up after 2 s of reconnecting`,
    );
    expect(waited).toBeGreaterThanOrEqual(2_000);
    expect(run.stdout).toBe('');
  });
});
