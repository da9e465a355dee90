// `npm start`: the whole service in one process tree — Temporal dev server (child process),
// worker and HTTP API — stopped together by Ctrl-C.
import path from 'node:path';
import { requireHttpServer, startApi, type RunningApi } from './api/server';
import { loadConfig, requireApiAuth, type Config } from './config';
import { freeLoopbackPort } from './free-port';
import { startCaptureServer, type RunningCaptureServer } from './email/capture-server';
import { CapturedMailbox } from './email/mailbox';
import type { Logger } from './logger';
import { createLogger } from './logger';
import { startDevServer } from './temporal/dev-server';
import { onStopSignals } from './stop-signals';
import { runWorkerUntilStopped } from './worker';

/** Without SMTP_URL, mail goes to a local server that keeps it under DATA_DIR/mail. */
async function startMailCapture(config: Config, logger: Logger): Promise<RunningCaptureServer | undefined> {
  if (config.smtpUrl) return undefined;
  return startCaptureServer({
    directory: path.join(config.dataDir, 'mail'),
    port: config.devSmtpPort,
    logger,
  });
}

async function main(): Promise<void> {
  const loaded = loadConfig();
  // Before the Temporal dev server starts: the API will refuse an unprotected public address.
  requireApiAuth(loaded);
  requireHttpServer(loaded);
  // Worker and API share this process: the API's /metrics includes the worker's SDK metrics.
  const config: Config = {
    ...loaded,
    workerMetricsAddress: loaded.workerMetricsAddress ?? `127.0.0.1:${await freeLoopbackPort()}`,
  };
  const logger = createLogger('durable-jobs', config.logLevel);
  const temporal = startDevServer(config, logger.child({ part: 'temporal' }));
  const stopWorker = new AbortController();
  const running: { api?: RunningApi; mailCapture?: RunningCaptureServer } = {};
  let stopping = false;

  const shutdown = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    await running.api?.stop().catch((error) => logger.error({ err: error }, 'API did not stop cleanly'));
    stopWorker.abort();
    await workerDone;
    await running.mailCapture?.stop();
    await temporal.stop();
    process.exit(exitCode);
  };

  // API and worker stop first (the worker drains within WORKER_SHUTDOWN_GRACE), the dev server last.
  onStopSignals(logger, (signal) => void shutdown(signal, 0));
  void temporal.exited.then(() => shutdown('Temporal dev server exited', 1));
  // Last resort for an exit that skipped shutdown: never leave the dev server running on its own.
  process.once('exit', () => temporal.child.kill('SIGKILL'));

  const workerDone = runWorkerUntilStopped(config, logger.child({ part: 'worker' }), stopWorker.signal).catch(
    (error) => logger.error({ err: error }, 'worker crashed'),
  );
  let devMailbox: CapturedMailbox | undefined;
  try {
    running.mailCapture = await startMailCapture(config, logger.child({ part: 'mail' }));
    devMailbox = running.mailCapture && new CapturedMailbox(running.mailCapture.directory);
    running.api = await startApi(config, logger.child({ part: 'api' }), { devMailbox });
  } catch (error) {
    logger.error({ err: error }, 'could not start');
    return shutdown('start-up failed', 1);
  }
  logger.info(
    {
      api: `http://localhost:${config.port}`,
      webUi: config.temporalUiUrl,
      mail: devMailbox ? `http://localhost:${config.port}/dev/mail` : 'SMTP_URL',
    },
    'durable-jobs is running; press Ctrl-C to stop',
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
