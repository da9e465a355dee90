import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../src/config';
import type { SqlClient } from '../../src/db/sql-client';
import type { Services } from '../../src/services';
import { JobsHarness } from './jobs-harness';
import { TestSmtpServer, type TestSmtpServerOptions } from './smtp-test-server';

/** One time-skipping Temporal, a real worker with the real activities, an SMTP server and the API. */
export interface EmailHarness {
  env: TestWorkflowEnvironment;
  smtp: TestSmtpServer;
  config: Config;
  sql: SqlClient;
  services: Services;
  app: FastifyInstance;
  teardown(): Promise<void>;
}

export interface EmailHarnessOptions extends TestSmtpServerOptions {
  /** Where the worker delivers; the harness's own SMTP server when omitted. */
  smtpUrl?: string;
  /** Settings over the test configuration (API tokens, APP_URL, …). */
  config?: Partial<Config>;
}

export async function startEmailHarness(options: EmailHarnessOptions = {}): Promise<EmailHarness> {
  const smtp = await TestSmtpServer.start(options);
  const jobs = await JobsHarness.start({
    config: { ...options.config, smtpUrl: options.smtpUrl ?? smtp.url },
  });
  const { config, services } = jobs.testApp;
  return {
    env: jobs.env,
    smtp,
    config,
    sql: services.sql,
    services,
    app: jobs.app,
    teardown: async () => {
      await jobs.stop();
      await smtp.stop();
    },
  };
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
