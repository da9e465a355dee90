import net from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import type { Config } from '../../src/config';
import type { Database } from '../../src/db/database';
import { openServices, type Services } from '../../src/services';
import { silentLogger } from '../../src/logger';
import { WORKFLOWS_PATH, createJobsWorker } from '../../src/worker';
import { testConfig } from './config';
import { TestSmtpServer, type TestSmtpServerOptions } from './smtp-test-server';
import { bundleWorkflows, createTimeSkippingEnv } from './temporal-env';

/** One time-skipping Temporal, a real worker with the real activities, an SMTP server and the API. */
export interface EmailHarness {
  env: TestWorkflowEnvironment;
  smtp: TestSmtpServer;
  config: Config;
  db: Database;
  services: Services;
  app: FastifyInstance;
  teardown(): Promise<void>;
}

export interface EmailHarnessOptions extends TestSmtpServerOptions {
  /** Where the worker delivers; the harness's own SMTP server when omitted. */
  smtpUrl?: string;
}

export async function startEmailHarness(options: EmailHarnessOptions = {}): Promise<EmailHarness> {
  const [env, smtp] = await Promise.all([createTimeSkippingEnv(), TestSmtpServer.start(options)]);
  const config = testConfig({ smtpUrl: options.smtpUrl ?? smtp.url });
  const services = openServices(config);
  const db = services.db;
  const worker: Worker = await createJobsWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    workflowBundle: await bundleWorkflows(WORKFLOWS_PATH),
    dependencies: { config, logger: silentLogger, temporal: env.client, ...services },
  });
  const workerRun = worker.run();
  const app = buildApp({ config, logger: silentLogger, temporal: env.client, services });
  return {
    env,
    smtp,
    config,
    db,
    services,
    app,
    teardown: async () => {
      await app.close();
      worker.shutdown();
      await workerRun;
      services.close();
      await smtp.stop();
      await env.teardown();
    },
  };
}

/** A loopback port with nothing listening: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function getJob(app: FastifyInstance, jobId: string): Promise<Record<string, unknown>> {
  const response = await app.inject({ method: 'GET', url: `/jobs/${jobId}` });
  expect(response.statusCode).toBe(200);
  return response.json();
}

export async function postEmail(
  app: FastifyInstance,
  payload: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/emails', payload, headers });
  expect(response.statusCode).toBe(202);
  const body = response.json();
  expect(body.status).toBe('queued');
  return body.jobId;
}
