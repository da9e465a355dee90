import { postEmail, startEmailHarness, type EmailHarness } from '../helpers/email-harness';

describe('POST /emails with an Idempotency-Key', () => {
  let harness: EmailHarness;

  beforeAll(async () => {
    // The application whose reset links these are lives at https://example.com.
    harness = await startEmailHarness({ config: { appUrl: 'https://example.com' } });
  });

  afterAll(async () => {
    await harness?.teardown();
  });

  it('starts one job per key and sends one e-mail however often the request is retried', async () => {
    const payload = {
      to: 'erin@example.com',
      template: 'password-reset',
      params: { name: 'Erin', resetUrl: 'https://example.com/reset?token=a&b=1', expiresInMinutes: 15 },
    };
    const headers = { 'idempotency-key': 'reset-erin-1' };

    const first = await postEmail(harness.app, payload, headers);
    await harness.env.client.workflow.getHandle(first).result();
    const retried = await postEmail(harness.app, payload, headers);
    const otherKey = await postEmail(harness.app, payload, { 'idempotency-key': 'reset-erin-2' });
    await harness.env.client.workflow.getHandle(otherKey).result();

    expect(retried).toBe(first);
    expect(otherKey).not.toBe(first);
    expect(harness.smtp.received).toHaveLength(2);
    const [mail] = harness.smtp.received;
    expect(mail?.parsed.subject).toBe('Reset your durable-jobs password');
    expect(mail?.parsed.html).toContain('href="https://example.com/reset?token=a&amp;b=1"');
    expect(mail?.parsed.text).toContain('expires in 15 minutes');
  });
});
