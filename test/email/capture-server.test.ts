import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import { openServices, type Services } from '../../src/services';
import {
  isUndeliverable,
  startCaptureServer,
  type RunningCaptureServer,
} from '../../src/email/capture-server';
import { classifySmtpError } from '../../src/email/smtp-errors';
import { CapturedMailbox } from '../../src/email/mailbox';
import { createSmtpTransport } from '../../src/email/transport';
import { silentLogger } from '../../src/logger';
import { createTemporalClient } from '../../src/temporal/client';
import { testConfig } from '../helpers/config';
import { closedPort } from '../helpers/ports';

describe('embedded capturing SMTP server and /dev/mail', () => {
  const config = testConfig();
  const directory = path.join(config.dataDir, 'mail');
  let capture: RunningCaptureServer;
  let temporal: Client;
  let app: FastifyInstance;
  let services: Services;

  beforeAll(async () => {
    services = await openServices(config);
    capture = await startCaptureServer({ directory, port: 0, logger: silentLogger });
    temporal = createTemporalClient({
      temporalAddress: `127.0.0.1:${await closedPort()}`,
      temporalNamespace: 'default',
    });
    app = buildApp({
      config,
      logger: silentLogger,
      temporal,
      services,
      devMailbox: new CapturedMailbox(directory),
    });
  });

  afterAll(async () => {
    await app?.close();
    await temporal?.connection.close();
    await capture?.stop();
    await services?.close();
  });

  it('stores what it receives over SMTP as .eml files, listed and readable through /dev/mail', async () => {
    const transport = createSmtpTransport({ smtpUrl: undefined, devSmtpPort: capture.port });
    await transport.sendMail({
      from: config.mailFrom,
      to: 'fay@example.com',
      subject: 'Captured <hello>',
      text: 'plain body',
      html: '<p>html body</p>',
      messageId: '<email-test@durable-jobs.local>',
    });

    const files = fs.readdirSync(directory);
    expect(files.filter((name) => name.endsWith('.eml'))).toHaveLength(1);

    const list = await app.inject({ method: 'GET', url: '/dev/mail' });
    expect(list.statusCode).toBe(200);
    const [summary, ...rest] = list.json().messages;
    expect(rest).toHaveLength(0);
    expect(summary).toMatchObject({
      to: 'fay@example.com',
      from: expect.stringContaining('no-reply@durable-jobs.local'),
      subject: 'Captured <hello>',
      messageId: '<email-test@durable-jobs.local>',
    });
    expect(typeof summary.date).toBe('string');

    const parsed = await app.inject({ method: 'GET', url: `/dev/mail/${summary.id}` });
    expect(parsed.statusCode).toBe(200);
    expect(parsed.json()).toMatchObject({ text: 'plain body', html: '<p>html body</p>' });

    const raw = await app.inject({ method: 'GET', url: `/dev/mail/${summary.id}?format=raw` });
    expect(raw.statusCode).toBe(200);
    expect(raw.headers['content-type']).toContain('message/rfc822');
    expect(raw.body).toContain('Message-ID: <email-test@durable-jobs.local>');

    const missing = await app.inject({ method: 'GET', url: '/dev/mail/..%2Fsecrets' });
    expect(missing.statusCode).toBe(404);
  });

  it('refuses a recipient in the reserved .invalid domain with a permanent 550, storing nothing', async () => {
    const before = fs.readdirSync(directory).length;
    const transport = createSmtpTransport({ smtpUrl: undefined, devSmtpPort: capture.port });
    const sending = transport.sendMail({
      from: config.mailFrom,
      to: 'bob@example.invalid',
      subject: 'never delivered',
      text: 'body',
    });
    await expect(sending).rejects.toMatchObject({ responseCode: 550, command: 'RCPT TO' });
    const failure = classifySmtpError(await sending.catch((error: unknown) => error));
    expect(failure).toMatchObject({ type: 'SmtpPermanentFailure', nonRetryable: true });
    expect(fs.readdirSync(directory)).toHaveLength(before);
  });

  it.each([
    ['bob@example.invalid', true],
    ['bob@INVALID', true],
    ['bob@mail.example.invalid.', true],
    ['bob@example.com', false],
    ['bob@invalid.example.com', false],
    ['bob@notinvalid', false],
  ])('treats %s as undeliverable: %s', (address, undeliverable) => {
    expect(isUndeliverable(address)).toBe(undeliverable);
  });

  it('does not mount /dev/mail when no capturing server is in use', async () => {
    const withoutCapture = buildApp({ config, logger: silentLogger, temporal, services });
    try {
      const response = await withoutCapture.inject({ method: 'GET', url: '/dev/mail' });
      expect(response.statusCode).toBe(404);
    } finally {
      await withoutCapture.close();
    }
  });
});
