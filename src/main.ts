// `npm start`: the whole service in one process tree — Temporal dev server (child process),
// worker and HTTP API — stopped together by Ctrl-C.
import { startApi, type RunningApi } from './api/server';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { startDevServer } from './temporal/dev-server';
import { runWorkerUntilStopped } from './worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('durable-jobs', config.logLevel);
  const temporal = startDevServer(config, logger.child({ part: 'temporal' }));
  const stopWorker = new AbortController();
  const running: { api?: RunningApi } = {};
  let stopping = false;

  const shutdown = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    await running.api?.stop().catch((error) => logger.error({ err: error }, 'API did not stop cleanly'));
    stopWorker.abort();
    await workerDone;
    await temporal.stop();
    process.exit(exitCode);
  };

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(signal, 0));
  void temporal.exited.then(() => shutdown('Temporal dev server exited', 1));

  const workerDone = runWorkerUntilStopped(config, logger.child({ part: 'worker' }), stopWorker.signal).catch(
    (error) => logger.error({ err: error }, 'worker crashed'),
  );
  running.api = await startApi(config, logger.child({ part: 'api' }));
  logger.info(
    { api: `http://localhost:${config.port}`, webUi: config.temporalUiUrl },
    'durable-jobs is running; press Ctrl-C to stop',
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
