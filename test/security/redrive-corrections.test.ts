// A redrive may correct only what the job type declares correctable, needs admin, and leaves on
// the entry who redrove it, when, and what changed; `dead-letters show` prints it.
import type { AddressInfo } from 'node:net';
import { cli } from '../helpers/cli';
import { postEmail, startEmailHarness, type EmailHarness } from '../helpers/email-harness';
import { APP, bearer, OPS, tokenAuth } from '../helpers/tokens';

const MISTYPED = 'ann@exmaple.com';
const FIXED = 'ann@example.com';

describe('redrive corrections', () => {
  let harness: EmailHarness;

  beforeAll(async () => {
    harness = await startEmailHarness({
      config: { auth: tokenAuth([OPS, APP]) },
      replyToRecipient: (_attempt, address) =>
        address === MISTYPED ? { code: 550, message: '5.1.1 no such domain' } : undefined,
    });
  });

  afterAll(async () => {
    await harness?.teardown();
  });

  async function deadLetteredWelcome(name: string): Promise<string> {
    const jobId = await postEmail(
      harness.app,
      { to: MISTYPED, template: 'welcome', params: { name } },
      bearer(APP),
    );
    await harness.env.client.workflow
      .getHandle(jobId)
      .result()
      .catch(() => undefined);
    const { items } = await harness.services.deadLetters.list({ limit: 50 });
    const entry = items.find((item) => item.jobId === jobId);
    if (!entry) throw new Error(`welcome job ${jobId} was not dead-lettered`);
    return entry.id;
  }

  const redrive = (id: string, payload: object | undefined, headers: Record<string, string>) =>
    harness.app.inject({
      method: 'POST',
      url: `/dead-letters/${id}/redrive`,
      headers,
      ...(payload ? { payload } : {}),
    });

  it('refuses fields the job type does not declare correctable, naming them', async () => {
    const id = await deadLetteredWelcome('Ann');
    for (const [input, field] of [
      [{ template: 'password-reset' }, 'input.template'],
      [{ params: { name: 'Mallory' } }, 'input.params'],
      [{ to: FIXED, params: { name: 'Mallory' } }, 'input.params'],
    ] as const) {
      const response = await redrive(id, { input }, bearer(OPS));
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field });
    }
    expect((await redrive(id, { input: { to: FIXED } }, bearer(APP))).statusCode).toBe(403);
    expect((await harness.services.deadLetters.get(id))?.status).toBe('pending');
  });

  it('redrives a welcome e-mail to a corrected address and records who, when and the change', async () => {
    const id = await deadLetteredWelcome('Ann');
    const before = Date.now();
    const response = await redrive(id, { input: { to: FIXED } }, bearer(OPS));
    expect(response.statusCode).toBe(202);
    await harness.env.client.workflow.getHandle(response.json().jobId).result();
    expect(harness.smtp.received.filter((mail) => mail.recipients.includes(FIXED))).toHaveLength(1);

    const entry = (
      await harness.app.inject({ method: 'GET', url: `/dead-letters/${id}`, headers: bearer(OPS) })
    ).json();
    expect(entry).toMatchObject({
      status: 'redriven',
      redrivenBy: 'ops',
      redriveChanges: [{ field: 'to', before: MISTYPED, after: FIXED }],
    });
    expect(Date.parse(entry.redrivenAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('records the caller of a bulk redrive, with no changes', async () => {
    const id = await deadLetteredWelcome('Bulk');
    const response = await harness.app.inject({
      method: 'POST',
      url: '/dead-letters/redrive',
      headers: bearer(OPS),
      payload: { jobType: 'sendEmail', limit: 10 },
    });
    expect(response.statusCode).toBe(202);
    expect(response.json().redriven.map((item: { deadLetterId: string }) => item.deadLetterId)).toContain(id);
    expect(await harness.services.deadLetters.get(id)).toMatchObject({
      status: 'redriven',
      redrivenBy: 'ops',
      redriveChanges: [],
    });
  });

  it('shows the redrive record in `dead-letters show`, with DURABLE_JOBS_TOKEN', async () => {
    const id = await deadLetteredWelcome('Shown');
    expect((await redrive(id, { input: { to: FIXED } }, bearer(OPS))).statusCode).toBe(202);
    await harness.app.listen({ host: '127.0.0.1', port: 0 });
    const api = `http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`;

    const shown = await cli(['dead-letters', 'show', id, '--api', api], {
      env: { DURABLE_JOBS_TOKEN: OPS.secret },
    });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/redriven: +by ops at \d{4}-\d\d-\d\dT/);
    expect(shown.stdout).toContain(`to: "${MISTYPED}" -> "${FIXED}"`);

    const denied = await cli(['dead-letters', 'show', id, '--api', api], {
      env: { DURABLE_JOBS_TOKEN: APP.secret },
    });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/'admin' scope.*HTTP 403 FORBIDDEN/);
    expect(denied.stderr).toContain('lacks the scope');
    const anonymous = await cli(['dead-letters', 'show', id, '--api', api], {
      env: { DURABLE_JOBS_TOKEN: '' },
    });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/set DURABLE_JOBS_TOKEN.*HTTP 401 UNAUTHENTICATED/);
  });
});
