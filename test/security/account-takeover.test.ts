// The account takeover through the dead-letter queue: a password-reset e-mail that failed sits in
// the queue with its reset link; nobody without an admin token may read it, and not even an admin
// may redrive it to another address. Real Temporal (time-skipping), real SMTP.
import { postEmail, startEmailHarness, type EmailHarness } from '../helpers/email-harness';
import { APP, bearer, OPS, tokenAuth } from '../helpers/tokens';

const APP_URL = 'https://app.example.com';
const VICTIM = 'victim@example.com';
const ATTACKER = 'attacker@evil.example';
const RESET_URL = `${APP_URL}/reset?token=secret-reset-token`;

describe('account takeover through the dead-letter queue', () => {
  let harness: EmailHarness;
  let deadLetterId: string;

  beforeAll(async () => {
    harness = await startEmailHarness({
      config: { auth: tokenAuth([OPS, APP]), appUrl: APP_URL },
      // The victim's mailbox refuses for now: the reset e-mail is dead-lettered.
      replyToRecipient: (_attempt, address) =>
        address === VICTIM ? { code: 550, message: '5.1.1 mailbox unavailable' } : undefined,
    });
    const jobId = await postEmail(
      harness.app,
      { to: VICTIM, template: 'password-reset', params: { name: 'Victim', resetUrl: RESET_URL } },
      bearer(OPS),
    );
    await harness.env.client.workflow
      .getHandle(jobId)
      .result()
      .catch(() => undefined);
    const { items } = await harness.services.deadLetters.list({ limit: 10 });
    const entry = items.find((item) => item.jobId === jobId);
    if (!entry) throw new Error(`the password-reset job ${jobId} was not dead-lettered`);
    deadLetterId = entry.id;
  });

  afterAll(async () => {
    await harness?.teardown();
  });

  const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, headers = {}, payload?: object) =>
    harness.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  const deliveredTo = (address: string) =>
    harness.smtp.received.filter((mail) => mail.recipients.includes(address));

  it('does not show the queue, or the reset link in it, without an admin token', async () => {
    for (const url of ['/dead-letters', `/dead-letters/${deadLetterId}`]) {
      const anonymous = await inject('GET', url);
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.body).not.toContain('secret-reset-token');
      const app = await inject('GET', url, bearer(APP));
      expect(app.statusCode).toBe(403);
      expect(app.json()).toMatchObject({ code: 'FORBIDDEN', scope: 'admin' });
      expect(app.body).not.toContain('secret-reset-token');
    }
    // The entry is really there, for the one who may see it.
    const admin = await inject('GET', `/dead-letters/${deadLetterId}`, bearer(OPS));
    expect(admin.statusCode).toBe(200);
    expect(admin.json()).toMatchObject({ status: 'pending', input: { to: VICTIM } });
  });

  it('refuses the redrive to the attacker: 401 without a token, 403 with a job token, 400 even for admin', async () => {
    const takeover = { input: { to: ATTACKER } };
    const url = `/dead-letters/${deadLetterId}/redrive`;
    expect((await inject('POST', url, {}, takeover)).statusCode).toBe(401);
    expect((await inject('POST', url, bearer(APP), takeover)).statusCode).toBe(403);
    const admin = await inject('POST', url, bearer(OPS), takeover);
    expect(admin.statusCode).toBe(400);
    expect(admin.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'input.to' });
    const changedLink = await inject('POST', url, bearer(OPS), {
      input: { params: { name: 'Victim', resetUrl: 'https://evil.example/reset' } },
    });
    expect(changedLink.statusCode).toBe(400);
    expect(changedLink.json()).toMatchObject({ field: 'input.params' });

    const entry = (await inject('GET', `/dead-letters/${deadLetterId}`, bearer(OPS))).json();
    expect(entry).toMatchObject({ status: 'pending', redrivenJobId: null, redrivenBy: null });
    expect(deliveredTo(ATTACKER)).toEqual([]);
  });

  it('refuses bulk redrive and discard to callers without admin', async () => {
    for (const headers of [{}, bearer(APP)]) {
      expect([401, 403]).toContain((await inject('POST', '/dead-letters/redrive', headers, {})).statusCode);
      expect([401, 403]).toContain(
        (await inject('DELETE', `/dead-letters/${deadLetterId}`, headers)).statusCode,
      );
    }
    expect((await inject('GET', `/dead-letters/${deadLetterId}`, bearer(OPS))).json().status).toBe('pending');
  });

  it('delivered nothing to the attacker, and the reset link to nobody', () => {
    expect(deliveredTo(ATTACKER)).toEqual([]);
    expect(harness.smtp.received.filter((mail) => mail.raw.includes('secret-reset-token'))).toEqual([]);
  });
});
