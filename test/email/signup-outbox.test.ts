import type { Client } from '@temporalio/client';
import { buildApp } from '../../src/api/app';
import { silentLogger } from '../../src/logger';
import { dispatchOutboxEntry } from '../../src/outbox/dispatch';
import { OutboxRelay } from '../../src/outbox/outbox-relay';
import { createTemporalClient } from '../../src/temporal/client';
import { startEmailHarness, type EmailHarness } from '../helpers/email-harness';
import { closedPort } from '../helpers/ports';

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('signup while Temporal is unreachable (transactional outbox)', () => {
  let harness: EmailHarness;
  let unreachable: Client;

  beforeAll(async () => {
    harness = await startEmailHarness();
    unreachable = createTemporalClient({
      temporalAddress: `127.0.0.1:${await closedPort()}`,
      temporalNamespace: 'default',
    });
  });

  afterAll(async () => {
    await unreachable?.connection.close();
    await harness?.teardown();
  });

  it('answers 201, keeps the job in the outbox, and the relay delivers it exactly once later', async () => {
    const appWithoutTemporal = buildApp({
      config: harness.config,
      logger: silentLogger,
      temporal: unreachable,
      services: harness.services,
    });
    const signup = await appWithoutTemporal.inject({
      method: 'POST',
      url: '/signup',
      payload: { email: 'Carol@Example.com', name: 'Carol' },
    });
    await appWithoutTemporal.close();

    expect(signup.statusCode).toBe(201);
    const body = signup.json();
    expect(body).toMatchObject({ email: 'Carol@Example.com', name: 'Carol' });
    const { users, outbox } = harness.services;
    expect(await users.findByEmail('carol@example.com')).toMatchObject({ id: body.id, name: 'Carol' });

    const [pending, ...others] = await outbox.pending(10);
    expect(others).toHaveLength(0);
    expect(pending).toMatchObject({
      jobType: 'sendEmail',
      jobId: body.welcomeEmailJobId,
      dispatchedAt: null,
    });
    expect(pending?.lastError).toContain('Temporal is unavailable');

    const relayWithoutTemporal = new OutboxRelay({
      outbox,
      temporal: unreachable,
      logger: silentLogger,
      dispatchTimeoutMs: 500,
    });
    expect(await relayWithoutTemporal.relayPending()).toBe(0);
    expect(await outbox.pending(10)).toMatchObject([{ id: pending?.id, dispatchAttempts: 2 }]);

    const relay = new OutboxRelay({
      outbox,
      temporal: harness.env.client,
      logger: silentLogger,
      intervalMs: 50,
    });
    relay.start();
    try {
      await waitUntil(async () => (await outbox.pending(10)).length === 0);
    } finally {
      await relay.stop();
    }

    const result = await harness.env.client.workflow.getHandle(body.welcomeEmailJobId).result();
    expect(result).toMatchObject({ to: 'Carol@Example.com', template: 'welcome' });

    // Dispatching the same entry again finds the job already there instead of making a second one.
    const again = await dispatchOutboxEntry(harness.env.client, outbox, pending!);
    expect(again).toEqual({ jobId: body.welcomeEmailJobId, created: false });
    expect(await relay.relayPending()).toBe(0);

    expect(harness.smtp.received).toHaveLength(1);
    expect(harness.smtp.received[0]?.parsed.text).toContain('Hello Carol,');
  });
});
