// Idempotency keys belong to the caller that used them and to the request they came with: another
// caller's equal key is another job, and the same key with another body is 422, never someone
// else's job. The record is in the database, so a second API host sharing it agrees.
import { buildApp } from '../../src/api/app';
import { silentLogger } from '../../src/logger';
import { openServices, type Services } from '../../src/services';
import type { FastifyInstance } from 'fastify';
import { startEmailHarness, type EmailHarness } from '../helpers/email-harness';
import { bearer, tokenAuth, type TestToken } from '../helpers/tokens';

const ALICE: TestToken = {
  name: 'alice',
  secret: 'alice-secret-0123456789',
  scopes: ['jobs:create', 'jobs:read'],
};
const BOB: TestToken = {
  name: 'bob',
  secret: 'bob-secret-0123456789abc',
  scopes: ['jobs:create', 'jobs:read'],
};

const welcome = (to: string, name = 'Same') => ({ to, template: 'welcome', params: { name } });

describe('idempotency keys are per caller and per request', () => {
  let harness: EmailHarness;
  let secondHost: { app: FastifyInstance; services: Services };

  beforeAll(async () => {
    harness = await startEmailHarness({ config: { auth: tokenAuth([ALICE, BOB]) } });
    // Another API process on the same database, as a second host would be.
    const services = await openServices(harness.config);
    const app = buildApp({
      config: harness.config,
      logger: silentLogger,
      temporal: harness.env.client,
      services,
    });
    secondHost = { app, services };
  });

  afterAll(async () => {
    await secondHost?.app.close();
    await secondHost?.services.close();
    await harness?.teardown();
  });

  const post = (
    url: string,
    caller: TestToken,
    key: string,
    payload: object,
    app: FastifyInstance = harness.app,
  ) => app.inject({ method: 'POST', url, payload, headers: { ...bearer(caller), 'idempotency-key': key } });

  it('gives two callers with the same key two jobs, and each its own on a retry', async () => {
    const alice = await post('/emails', ALICE, 'key-1', welcome('alice@example.com'));
    const bob = await post('/emails', BOB, 'key-1', welcome('bob@example.com'));
    expect([alice.statusCode, bob.statusCode]).toEqual([202, 202]);
    expect(bob.json().jobId).not.toBe(alice.json().jobId);

    const aliceAgain = await post('/emails', ALICE, 'key-1', welcome('alice@example.com'));
    const aliceOnOtherHost = await post(
      '/emails',
      ALICE,
      'key-1',
      welcome('alice@example.com'),
      secondHost.app,
    );
    expect(aliceAgain.json().jobId).toBe(alice.json().jobId);
    expect(aliceOnOtherHost.json().jobId).toBe(alice.json().jobId);

    for (const response of [alice, bob])
      await harness.env.client.workflow.getHandle(response.json().jobId).result();
    expect(harness.smtp.received.map((mail) => mail.recipients).sort()).toEqual([
      ['alice@example.com'],
      ['bob@example.com'],
    ]);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body, on any host', async () => {
    const first = await post('/emails', ALICE, 'key-2', welcome('carol@example.com'));
    expect(first.statusCode).toBe(202);
    for (const app of [harness.app, secondHost.app]) {
      const reused = await post('/emails', ALICE, 'key-2', welcome('mallory@example.com'), app);
      expect(reused.statusCode).toBe(422);
      expect(reused.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'Idempotency-Key' });
      expect(reused.body).not.toContain(first.json().jobId);
    }
    // The same body in another key order is the same request.
    const reordered = await post('/emails', ALICE, 'key-2', {
      params: { name: 'Same' },
      template: 'welcome',
      to: 'carol@example.com',
    });
    expect(reordered.json().jobId).toBe(first.json().jobId);
  });

  it('does not record the key of a refused request, so a corrected retry may use it', async () => {
    // Passes the body schema; the template refuses it in the handler, before the key is recorded.
    const invalid = await post('/emails', ALICE, 'key-3', {
      to: 'dave@example.com',
      template: 'welcome',
      params: {},
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().field).toBe('params.name');
    const corrected = await post('/emails', ALICE, 'key-3', welcome('dave@example.com'));
    expect(corrected.statusCode).toBe(202);
  });

  it('scopes upload keys the same way', async () => {
    const file = await harness.app.inject({
      method: 'POST',
      url: '/files',
      payload: 'some bytes',
      headers: { ...bearer(ALICE), 'content-type': 'text/plain' },
    });
    const { fileId } = file.json();
    const alice = await post('/upload', ALICE, 'upload-1', { fileId });
    const bob = await post('/upload', BOB, 'upload-1', { fileId });
    expect([alice.statusCode, bob.statusCode]).toEqual([202, 202]);
    expect(bob.json().jobId).not.toBe(alice.json().jobId);
    expect((await post('/upload', ALICE, 'upload-1', { fileId })).json().jobId).toBe(alice.json().jobId);
    const reused = await post('/upload', ALICE, 'upload-1', { fileId, notifyEmail: 'eve@example.com' });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('scopes signup keys: a retry answers with the same user, another body is 422', async () => {
    const body = { email: 'erin@example.com', name: 'Erin' };
    const first = await post('/signup', ALICE, 'signup-1', body);
    expect(first.statusCode).toBe(201);
    const retried = await post('/signup', ALICE, 'signup-1', body, secondHost.app);
    expect(retried.statusCode).toBe(201);
    expect(retried.json()).toEqual(first.json());
    const reused = await post('/signup', ALICE, 'signup-1', { email: 'frank@example.com', name: 'Frank' });
    expect(reused.statusCode).toBe(422);
    // Bob's equal key is his own: his signup of the same address is a conflict, not Alice's user.
    const bob = await post('/signup', BOB, 'signup-1', body);
    expect(bob.statusCode).toBe(409);
    expect(bob.body).not.toContain(first.json().id);
  });
});
