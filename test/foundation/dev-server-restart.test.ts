import { setTimeout as sleep } from 'node:timers/promises';
import fs from 'node:fs';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Config } from '../../src/config';
import { freeLoopbackPort } from '../../src/free-port';
import { silentLogger } from '../../src/logger';
import { checkTemporalReadiness, createTemporalClient } from '../../src/temporal/client';
import { startDevServer, type RunningDevServer } from '../../src/temporal/dev-server';
import { greetFromActivity } from '../fixtures/foundation-workflows';
import { testConfig } from '../helpers/config';
import { bundleWorkflows } from '../helpers/temporal-env';

const READY_TIMEOUT_MS = 60_000;

async function untilReady(client: Client, server: RunningDevServer): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`dev server exited with ${server.child.exitCode}`);
    if ((await checkTemporalReadiness(client)).ready) return;
    await sleep(200);
  }
  throw new Error(`dev server not ready within ${READY_TIMEOUT_MS} ms`);
}

async function completeOneJob(config: Config, client: Client, workflowId: string): Promise<void> {
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  try {
    const worker = await Worker.create({
      connection,
      taskQueue: 'restart-proof',
      workflowBundle: await bundleWorkflows(require.resolve('../fixtures/foundation-workflows')),
      activities: { greet: async (name: string) => `Hello, ${name}!` },
    });
    await worker.runUntil(
      client.workflow.execute(greetFromActivity, { taskQueue: 'restart-proof', workflowId, args: ['Ada'] }),
    );
  } finally {
    await connection.close();
  }
}

describe.each(['SIGTERM', 'SIGKILL'] as const)("npm start's dev server stopped with %s", (signal) => {
  let config: Config;
  let server: RunningDevServer | undefined;
  let client: Client;

  beforeAll(async () => {
    const temporalPort = await freeLoopbackPort();
    config = testConfig({
      temporalPort,
      temporalAddress: `127.0.0.1:${temporalPort}`,
      temporalUiPort: await freeLoopbackPort(),
    });
    client = createTemporalClient(config);
  });

  afterAll(async () => {
    await client.connection.close();
    await server?.stop();
    fs.rmSync(config.dataDir, { recursive: true, force: true });
  });

  it('still has a job that completed before it stopped, once started again on its database', async () => {
    server = startDevServer(config, silentLogger);
    await untilReady(client, server);
    await completeOneJob(config, client, 'completed-before-restart');

    server.child.kill(signal);
    await server.exited;
    server = startDevServer(config, silentLogger);
    await untilReady(client, server);

    const handle = client.workflow.getHandle('completed-before-restart');
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect(await handle.result()).toEqual({
      greeting: 'Hello, Ada!',
      workflowId: 'completed-before-restart',
    });
  });
});
