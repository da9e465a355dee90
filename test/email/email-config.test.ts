import { ConfigError, loadConfig } from '../../src/config';
import { createSmtpTransport, smtpUrlOf } from '../../src/email/transport';

describe('e-mail configuration', () => {
  it('defaults to the embedded capturing server on DEV_SMTP_PORT 2525', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ smtpUrl: undefined, devSmtpPort: 2525 });
    expect(smtpUrlOf(config)).toBe('smtp://127.0.0.1:2525');
    expect(config.mailFrom).toContain('@');
  });

  it('accepts smtp:// and smtps:// URLs and a MAIL_FROM with a display name', () => {
    const config = loadConfig({
      SMTP_URL: 'smtps://user:secret@mail.example.com:465',
      MAIL_FROM: 'Jobs <jobs@example.com>',
    });
    expect(smtpUrlOf(config)).toBe('smtps://user:secret@mail.example.com:465');
    expect(config.mailFrom).toBe('Jobs <jobs@example.com>');
  });

  it.each([
    ['SMTP_URL', 'http://mail.example.com'],
    ['SMTP_URL', 'mail.example.com:25'],
    ['SMTP_URL', 'smtp://host:99999'],
    ['DEV_SMTP_PORT', 'twenty'],
    ['MAIL_FROM', 'not an address'],
    ['MAIL_FROM', ' '],
  ])('rejects %s=%p naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(variable);
  });

  it('hands the URL to nodemailer, which decodes the credentials and keeps the timeouts', () => {
    const config = loadConfig({ SMTP_URL: 'smtps://jobs%40example.com:p%3Ass%20word@mail.example.com' });
    const transport = createSmtpTransport(config) as unknown as { transporter: { options: object } };
    expect(transport.transporter.options).toEqual({
      host: 'mail.example.com',
      secure: true,
      auth: { user: 'jobs@example.com', pass: 'p:ss word' },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  });
});
