import type { Client } from '@temporalio/client';
import { createTemporalClient } from '../../src/temporal/client';
import {
  HTTP_ADAPTERS,
  MALFORMED_JSON_ANSWER,
  startAdapterApp,
  type AdapterApp,
} from '../helpers/http-adapters';
import { closedPort } from '../helpers/ports';

// Temporal is unreachable here on purpose: a request that got past validation would try to start
// a job and answer 503 (or 201 for signup), never the 400 these tests expect.
describe.each(HTTP_ADAPTERS)('validation of /signup and /emails (%s)', (adapter) => {
  let app: AdapterApp;
  let temporal: Client;

  beforeAll(async () => {
    const temporalAddress = `127.0.0.1:${await closedPort()}`;
    temporal = createTemporalClient({ temporalAddress, temporalNamespace: 'default' });
    app = await startAdapterApp(adapter, { temporal, temporalAddress });
  });

  afterAll(async () => {
    await app?.close();
    await temporal?.connection.close();
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
    const [users] = await app.services.sql.query<{ n: number }>('SELECT COUNT(*) AS n FROM users');
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

  const welcome = JSON.stringify({ to: 'ann@example.com', template: 'welcome', params: { name: 'Ann' } });

  it('answers 400 for a plain-text body, which is not an object', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/emails',
      headers: { 'content-type': 'text/plain' },
      payload: welcome,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      code: 'VALIDATION_FAILED',
      error: 'Invalid body: must be object',
      field: '',
      location: 'body',
    });
  });

  it('answers 415 for a body that is neither JSON nor text', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/emails',
      headers: { 'content-type': 'application/xml' },
      payload: welcome,
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toEqual({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      error: 'Unsupported content type; send application/json',
    });
  });

  it('answers 400 for a request without a body', async () => {
    const response = await app.inject({ method: 'POST', url: '/emails' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', location: 'body' });
  });

  it('answers 413 for a JSON body over 1 MiB', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/emails',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ to: 'ann@example.com', padding: 'x'.repeat(1024 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ code: 'PAYLOAD_TOO_LARGE', error: 'Request body is too large' });
  });

  it('answers 400 VALIDATION_FAILED for an empty JSON body', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/emails',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      code: 'VALIDATION_FAILED',
      error: 'Request body is empty; expected a JSON object',
    });
  });

  it('answers 400 for malformed JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/emails',
      headers: { 'content-type': 'application/json' },
      payload: '{"to": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject(MALFORMED_JSON_ANSWER[adapter]);
  });
});
