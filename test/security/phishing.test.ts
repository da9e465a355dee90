// The phishing relay: POST /emails must not send a password-reset e-mail for whoever asks, nor a
// link to a site other than the application. Real Temporal (time-skipping), real SMTP.
import { postEmail, startEmailHarness, type EmailHarness } from '../helpers/email-harness';
import { APP, bearer, OPS, tokenAuth } from '../helpers/tokens';

const APP_URL = 'https://app.example.com';
const ATTACKER = 'attacker@evil.example';
const TARGET = 'target@example.com';

const reset = (to: string, resetUrl: string) => ({
  to,
  template: 'password-reset',
  params: { name: 'Target', resetUrl },
});

describe('the phishing relay', () => {
  let harness: EmailHarness;

  beforeAll(async () => {
    harness = await startEmailHarness({ config: { auth: tokenAuth([OPS, APP]), appUrl: APP_URL } });
  });

  afterAll(async () => {
    await harness?.teardown();
  });

  const send = (payload: object, headers: Record<string, string> = {}) =>
    harness.app.inject({ method: 'POST', url: '/emails', payload, headers });

  it('refuses a password-reset request without a token (401) and with a job token (403)', async () => {
    const anonymous = await send(reset(TARGET, `${APP_URL}/reset?t=1`));
    expect(anonymous.statusCode).toBe(401);
    const app = await send(reset(ATTACKER, 'https://evil.example/reset'), bearer(APP));
    expect(app.statusCode).toBe(403);
    expect(app.json()).toMatchObject({ code: 'FORBIDDEN', scope: 'admin' });
    expect(app.json().error).toMatch(/password-reset/);
  });

  it('refuses a link to another origin with a 400 naming the field, even from admin', async () => {
    for (const resetUrl of [
      'https://evil.example/reset',
      'http://app.example.com/reset', // another scheme is another origin
      'https://app.example.com:8443/reset',
      'https://app.example.com.evil.example/reset',
    ]) {
      const response = await send(reset(TARGET, resetUrl), bearer(OPS));
      expect({ resetUrl, status: response.statusCode }).toEqual({ resetUrl, status: 400 });
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'params.resetUrl' });
    }
  });

  it('refuses the internal upload notification to a job token too', async () => {
    const response = await send(
      {
        to: ATTACKER,
        template: 'upload-processed',
        params: { fileId: 'f', mimeType: 'text/plain', sha256: 'a'.repeat(64), sizeBytes: 1 },
      },
      bearer(APP),
    );
    expect(response.statusCode).toBe(403);
  });

  it('still sends what a job token may ask for, and an admin reset link to the application', async () => {
    const welcome = await postEmail(
      harness.app,
      { to: TARGET, template: 'welcome', params: { name: 'Target' } },
      bearer(APP),
    );
    const resetJob = await postEmail(harness.app, reset(TARGET, `${APP_URL}/reset?t=ok`), bearer(OPS));
    for (const jobId of [welcome, resetJob]) await harness.env.client.workflow.getHandle(jobId).result();
    expect(harness.smtp.received.map((mail) => mail.parsed.subject).sort()).toEqual([
      'Reset your durable-jobs password',
      'Welcome to durable-jobs, Target!',
    ]);
  });

  it('delivered nothing to the attacker and no foreign link to anyone', () => {
    expect(harness.smtp.received.filter((mail) => mail.recipients.includes(ATTACKER))).toEqual([]);
    expect(harness.smtp.received.filter((mail) => mail.raw.includes('evil.example'))).toEqual([]);
  });
});
