import type { FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import { buildApp } from '../../src/api/app';
import { openServices, type Services } from '../../src/services';
import { silentLogger } from '../../src/logger';
import { createTemporalClient } from '../../src/temporal/client';
import { testConfig } from '../helpers/config';
import { closedPort } from '../helpers/ports';

// Temporal is unreachable here on purpose: a request that got past validation would try to start
// a job and answer 503 (or 201 for signup), never the 400 these tests expect.
describe('validation of /signup and /emails', () => {
  let app: FastifyInstance;
  let services: Services;
  let temporal: Client;

  beforeAll(async () => {
    const config = testConfig();
    services = await openServices(config);
    temporal = createTemporalClient({
      temporalAddress: `127.0.0.1:${await closedPort()}`,
      temporalNamespace: 'default',
    });
    app = buildApp({ config, logger: silentLogger, temporal, services });
  });

  afterAll(async () => {
    await app?.close();
    await temporal?.connection.close();
    await services?.close();
  });

  it.each([
    [{ name: 'Ann' }, 'email'],
    [{ email: 'ann@example.com' }, 'name'],
    [{ email: 'not-an-address', name: 'Ann' }, 'email'],
    [{ email: 42, name: 'Ann' }, 'email'],
    [{ email: 'ann@example.com', name: '   ' }, 'name'],
    [{ email: 'ann@example.com', name: 'Ann\r\nBcc: x@example.com' }, 'name'],
    [{ email: 'ann@example.com', name: 'Ann', admin: true }, 'admin'],
  ])('POST /signup %j answers 400 naming %s', async (payload, field) => {
    const response = await app.inject({ method: 'POST', url: '/signup', payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field });
    expect(typeof response.json().error).toBe('string');
    const [users] = await services.sql.query<{ n: number }>('SELECT COUNT(*) AS n FROM users');
    expect(users?.n).toBe(0);
  });

  it.each([
    [{ template: 'welcome', params: { name: 'Ann' } }, 'to'],
    [{ to: 'nope', template: 'welcome', params: { name: 'Ann' } }, 'to'],
    [{ to: 'ann@example.com', params: { name: 'Ann' } }, 'template'],
    [{ to: 'ann@example.com', template: 'welcome' }, 'params.name'],
    [{ to: 'ann@example.com', template: 'welcome', params: { name: 7 } }, 'params.name'],
    [{ to: 'ann@example.com', template: 'welcome', params: { name: 'Ann', extra: 1 } }, 'params.extra'],
    [{ to: 'ann@example.com', template: 'welcome', params: 'Ann' }, 'params'],
    [{ to: 'ann@example.com', template: 'password-reset', params: { name: 'Ann' } }, 'params.resetUrl'],
    [
      {
        to: 'ann@example.com',
        template: 'password-reset',
        params: { name: 'Ann', resetUrl: 'javascript:alert(1)' },
      },
      'params.resetUrl',
    ],
    [
      {
        to: 'ann@example.com',
        template: 'password-reset',
        params: { name: 'Ann', resetUrl: 'https://example.com/r/1', expiresInMinutes: '10' },
      },
      'params.expiresInMinutes',
    ],
  ])('POST /emails %j answers 400 naming %s', async (payload, field) => {
    const response = await app.inject({ method: 'POST', url: '/emails', payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });

  it('POST /emails with an unknown template answers 400 listing the known ones', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/emails',
      payload: { to: 'ann@example.com', template: 'newsletter', params: {} },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'template' });
    expect(body.error).toContain("'newsletter'");
    expect(body.error).toContain('welcome');
  });

  it('POST /emails with an empty Idempotency-Key answers 400 naming the header', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/emails',
      headers: { 'idempotency-key': ' ' },
      payload: { to: 'ann@example.com', template: 'welcome', params: { name: 'Ann' } },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ field: 'Idempotency-Key' });
  });
});
