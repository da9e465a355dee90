import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTemporalClient } from '../../src/temporal/client';
import { HTTP_ADAPTERS, startAdapterApp, type AdapterApp } from '../helpers/http-adapters';
import { closedPort } from '../helpers/ports';
import { createLocalEnv } from '../helpers/temporal-env';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await createLocalEnv();
});

afterAll(async () => {
  await env?.teardown();
});

describe.each(HTTP_ADAPTERS)('health routes (%s)', (adapter) => {
  let app: AdapterApp;

  beforeAll(async () => {
    app = await startAdapterApp(adapter, { temporal: env.client, temporalAddress: env.address });
  });

  afterAll(async () => {
    await app?.close();
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
    const temporalAddress = `127.0.0.1:${await closedPort()}`;
    const unreachable = createTemporalClient({ temporalAddress, temporalNamespace: 'default' });
    const isolated = await startAdapterApp(adapter, { temporal: unreachable, temporalAddress });
    try {
      const response = await isolated.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      const body = response.json();
      expect(body).toMatchObject({ error: 'Temporal is unavailable', code: 'TEMPORAL_UNAVAILABLE' });
      expect(body.temporal).toBe(temporalAddress);
      expect(typeof body.reason).toBe('string');
      expect(body.reason.length).toBeGreaterThan(0);
    } finally {
      await isolated.close();
      await unreachable.connection.close();
    }
  });

  it.each([
    ['GET', '/nope'],
    ['DELETE', '/files'],
    ['POST', '/healthz'],
  ])('an unknown route (%s %s) answers a JSON 404', async (method, url) => {
    const response = await app.inject({ method, url });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({ code: 'NOT_FOUND', error: `Route ${method} ${url} not found` });
  });
});
