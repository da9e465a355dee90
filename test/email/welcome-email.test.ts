import { startEmailHarness, type EmailHarness } from '../helpers/email-harness';

describe('welcome e-mail after signup', () => {
  let harness: EmailHarness;

  beforeAll(async () => {
    harness = await startEmailHarness();
  });

  afterAll(async () => {
    await harness?.teardown();
  });

  it('arrives over SMTP with the user name, HTML-escaped in the HTML part', async () => {
    const name = '<b>Ann & Bob</b>';
    const signup = await harness.app.inject({
      method: 'POST',
      url: '/signup',
      payload: { email: 'ann@example.com', name },
    });
    expect(signup.statusCode).toBe(201);
    const { welcomeEmailJobId } = signup.json();

    const result = await harness.env.client.workflow.getHandle(welcomeEmailJobId).result();

    expect(harness.smtp.received).toHaveLength(1);
    const [mail] = harness.smtp.received;
    expect(mail?.recipients).toEqual(['ann@example.com']);
    expect(mail?.parsed.subject).toContain(name);
    expect(mail?.parsed.text).toContain(`Hello ${name},`);
    expect(mail?.parsed.html).toContain('Hello &lt;b&gt;Ann &amp; Bob&lt;/b&gt;,');
    expect(mail?.parsed.html).not.toContain('<b>Ann');
    expect(mail?.parsed.messageId).toBe(`<${welcomeEmailJobId}@durable-jobs.local>`);
    expect(result).toMatchObject({
      to: 'ann@example.com',
      template: 'welcome',
      messageId: mail?.parsed.messageId,
    });
  });
});
