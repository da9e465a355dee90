import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { createTemporalClient } from '../../src/temporal/client';
import { createTestApp, type TestApp } from '../helpers/app';
import { closedPort } from '../helpers/ports';
import { createLocalEnv } from '../helpers/temporal-env';

describe('health routes', () => {
  let env: TestWorkflowEnvironment;
  let testApp: TestApp;
  let app: FastifyInstance;

  beforeAll(async () => {
    env = await createLocalEnv();
    testApp = await createTestApp(env.client);
    app = testApp.app;
  });

  afterAll(async () => {
    await testApp?.close();
    await env?.teardown();
  });

  it('GET /healthz answers while the process is up', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 when Temporal is reachable', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ready' });
  });

  it('GET /readyz answers 503 with a reason when Temporal is not reachable', async () => {
    const port = await closedPort();
    const unreachable = createTemporalClient({
      temporalAddress: `127.0.0.1:${port}`,
      temporalNamespace: 'default',
    });
    const isolated = await createTestApp(unreachable, { temporalAddress: `127.0.0.1:${port}` });
    try {
      const response = await isolated.app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      const body = response.json();
      expect(body).toMatchObject({ error: 'Temporal is unavailable', code: 'TEMPORAL_UNAVAILABLE' });
      expect(body.temporal).toBe(`127.0.0.1:${port}`);
      expect(typeof body.reason).toBe('string');
      expect(body.reason.length).toBeGreaterThan(0);
    } finally {
      await isolated.close();
    }
  });

  it('unknown routes answer a JSON 404', async () => {
    const response = await app.inject({ method: 'GET', url: '/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});
