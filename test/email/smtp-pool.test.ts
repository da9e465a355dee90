import { lazySmtpPool } from '../../src/email/transport';
import { openServices } from '../../src/services';
import { testConfig } from '../helpers/config';
import { TestSmtpServer } from '../helpers/smtp-test-server';

const message = (index: number) => ({
  from: 'jobs@example.com',
  to: `reader${index}@example.com`,
  subject: `message ${index}`,
  text: 'hello',
});

async function until(check: () => boolean): Promise<void> {
  for (let poll = 0; poll < 100 && !check(); poll += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(check()).toBe(true);
}

describe('the worker sends e-mail over pooled SMTP connections', () => {
  let server: TestSmtpServer;

  beforeEach(async () => {
    server = await TestSmtpServer.start();
  });

  afterEach(async () => {
    await server.stop();
  });

  it('delivers message after message over one connection, and closes it when asked', async () => {
    const mail = lazySmtpPool({ smtpUrl: server.url, devSmtpPort: 2525, smtpMaxConnections: 3 });
    for (let index = 0; index < 4; index += 1) await mail.transporter().sendMail(message(index));

    expect(server.received.map(({ recipients }) => recipients)).toEqual(
      [0, 1, 2, 3].map((i) => [`reader${i}@example.com`]),
    );
    expect(server.openedSessions.size).toBe(1);
    expect(server.closedSessions.size).toBe(0);
    mail.close();
    await until(() => server.closedSessions.size === 1);
  });

  it('opens no more than SMTP_MAX_CONNECTIONS for messages sent at once', async () => {
    const mail = lazySmtpPool({ smtpUrl: server.url, devSmtpPort: 2525, smtpMaxConnections: 2 });
    try {
      await Promise.all([0, 1, 2, 3, 4, 5].map((index) => mail.transporter().sendMail(message(index))));
      expect(server.received).toHaveLength(6);
      expect(server.openedSessions.size).toBeGreaterThanOrEqual(1);
      expect(server.openedSessions.size).toBeLessThanOrEqual(2);
    } finally {
      mail.close();
    }
  });

  it('connects only at the first delivery, and the services close it when the worker stops', async () => {
    const services = await openServices(testConfig({ smtpUrl: server.url }));
    try {
      expect(server.openedSessions.size).toBe(0);
      await services.mail.transporter().sendMail(message(1));
      expect(server.openedSessions.size).toBe(1);
    } finally {
      await services.close();
    }
    await until(() => server.closedSessions.size === 1);
  });
});
