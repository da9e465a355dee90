// The project's own API and worker as child processes (`npm run api`, `npm run worker`), with the
// environment `npm start` gives them, so that each one's memory is its own.
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { TASK_QUEUE } from '../../src/contracts';
import type { Config } from '../../src/config';
import { freeLoopbackPort } from '../../src/free-port';
import type { Cleanups } from './cleanups';
import { npmScriptNodeFlags, spawnTsx, waitUntil, type Child } from './processes';

const ROOT = path.resolve(__dirname, '..', '..');
const START_TIMEOUT_MS = 120_000;

/** `npm start`'s environment for this server's DATA_DIR; mail goes to `smtpUrl` when given. */
export function projectEnv(config: Config, smtpUrl?: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATA_DIR: config.dataDir,
    TEMPORAL_ADDRESS: config.temporalAddress,
    TEMPORAL_NAMESPACE: config.temporalNamespace,
    HOST: '127.0.0.1',
    PORT: String(config.port),
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}),
  };
}

export interface ApiChild {
  child: Child;
  url: string;
}

export async function startApiChild(config: Config, cleanups: Cleanups): Promise<ApiChild> {
  const child = spawnTsx(
    'API',
    path.join(ROOT, 'src/api/server.ts'),
    projectEnv(config),
    npmScriptNodeFlags('api'),
  );
  cleanups.defer(() => child.stop());
  const url = `http://127.0.0.1:${config.port}`;
  const ready = async () => (await fetch(`${url}/readyz`)).ok;
  await waitUntil(child, 'ready API', ready, START_TIMEOUT_MS);
  return { child, url };
}

/** True once a worker polls `taskQueue` for workflow tasks. */
export async function hasPoller(client: Client, taskQueue: string): Promise<boolean> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: 1, // workflow tasks
  });
  return (response.pollers ?? []).length > 0;
}

export async function startWorkerChild(
  config: Config,
  client: Client,
  smtpUrl: string,
  cleanups: Cleanups,
): Promise<Child> {
  const env = {
    ...projectEnv(config, smtpUrl),
    WORKER_METRICS_ADDRESS: `127.0.0.1:${await freeLoopbackPort()}`,
  };
  const child = spawnTsx('worker', path.join(ROOT, 'src/worker.ts'), env, npmScriptNodeFlags('worker'));
  cleanups.defer(() => child.stop());
  await waitUntil(child, 'poller on the task queue', () => hasPoller(client, TASK_QUEUE), START_TIMEOUT_MS);
  return child;
}
