// Payload encryption end to end, on the real dev server: an e-mail job's history (as
// `temporal workflow show` prints it) holds no address, name or reset token, while the API still
// shows the job's input, result and failure decoded: status, events, dead letters.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { binaryPaths } from '../../scripts/temporal-paths';
import type { EncryptionKey } from '../../src/temporal/payload-codec';
import { clientOptionsFor, JobsHarness } from '../helpers/jobs-harness';
import { readEventStream } from '../helpers/sse';
import { TestSmtpServer } from '../helpers/smtp-test-server';
import { createLocalEnv } from '../helpers/temporal-env';

jest.setTimeout(120_000);

const KEYS: EncryptionKey[] = [{ id: 'test-key', key: crypto.randomBytes(32) }];
const RESET = {
  to: 'carol.secret@example.com',
  template: 'password-reset',
  params: { name: 'Carol Secretname', resetUrl: 'https://app.example/reset?token=tok-5f1d2c9a7e' },
};
const REFUSED = { to: 'gone.secret@example.com', template: 'welcome', params: { name: 'Gone Secretname' } };
const SECRETS = [RESET.to, 'Carol Secretname', 'tok-5f1d2c9a7e', REFUSED.to, 'Gone Secretname'];

/** A secret may also appear base64-encoded (the CLI prints payload bytes that way). */
function leaks(text: string, secret: string): boolean {
  if (text.includes(secret)) return true;
  return [0, 1, 2].some((shift) => {
    const encoded = Buffer.from(`${'x'.repeat(shift)}${secret}`).toString('base64');
    // Drop the characters that depend on the neighbouring bytes.
    return text.includes(encoded.slice(4, -4));
  });
}

describe('payload encryption of e-mail jobs', () => {
  let smtp: TestSmtpServer;
  let harness: JobsHarness;
  let apiUrl: string;
  const jobs: { reset?: string; refused?: string } = {};

  beforeAll(async () => {
    smtp = await TestSmtpServer.start({
      replyToRecipient: (_attempt, address) =>
        address === REFUSED.to ? { code: 550, message: '5.1.1 Mailbox unavailable' } : undefined,
    });
    harness = await JobsHarness.start({
      createEnv: () => createLocalEnv({ client: clientOptionsFor(KEYS) }),
      config: { smtpUrl: smtp.url, payloadEncryptionKeys: KEYS, appUrl: 'https://app.example' },
    });
    await harness.app.listen({ host: '127.0.0.1', port: 0 });
    apiUrl = `http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`;
    for (const [name, body] of [
      ['reset', RESET],
      ['refused', REFUSED],
    ] as const) {
      const response = await harness.app.inject({ method: 'POST', url: '/emails', payload: body });
      expect(response.statusCode).toBe(202);
      jobs[name] = response.json().jobId;
    }
    await harness.waitForJob(jobs.reset!);
    await harness.waitForJob(jobs.refused!);
  });

  afterAll(async () => {
    await harness?.stop();
    await smtp?.stop();
  });

  async function workflowShow(jobId: string, ...extra: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)(
      binaryPaths.cli,
      [
        'workflow',
        'show',
        '--workflow-id',
        jobId,
        '--address',
        harness.env.address,
        '--namespace',
        'default',
        '--output',
        'json',
        ...extra,
      ],
      { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
    );
    return stdout;
  }

  it('delivered the reset e-mail, and its history holds no address, name or token', async () => {
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.parsed.text).toContain('tok-5f1d2c9a7e');

    for (const jobId of [jobs.reset!, jobs.refused!]) {
      const history = await workflowShow(jobId);
      expect(history).toContain(Buffer.from('binary/encrypted').toString('base64'));
      for (const secret of SECRETS)
        expect({ jobId, secret, leaked: leaks(history, secret) }).toEqual({ jobId, secret, leaked: false });
      // Nor the failure's text: messages travel inside encrypted attributes.
      expect(history).not.toContain('Mailbox unavailable');
    }
  });

  it('shows the history decoded through the codec endpoint (as the CLI with --codec-endpoint)', async () => {
    const history = await workflowShow(jobs.reset!, '--codec-endpoint', `${apiUrl}/codec`);
    expect(leaks(history, RESET.to)).toBe(true);
    expect(leaks(history, 'tok-5f1d2c9a7e')).toBe(true);
  });

  it('still shows the decoded result and stored progress in the job status', async () => {
    expect(await harness.status(jobs.reset!)).toMatchObject({
      state: 'completed',
      stage: 'done',
      progress: 100,
      result: { to: RESET.to, template: 'password-reset', accepted: [RESET.to] },
    });
  });

  it("still shows the failure's own message in the status of a dead-lettered job", async () => {
    const status = await harness.status(jobs.refused!);
    expect(status.state).toBe('dead_lettered');
    expect(status.error).toContain('5.1.1 Mailbox unavailable');
    expect(status.error).not.toContain('Encoded failure');
  });

  it('still streams decoded events', async () => {
    const stream = await readEventStream(`${apiUrl}/jobs/${jobs.reset}/events`);
    const last = JSON.parse(stream.events.at(-1)!.data);
    expect(last).toMatchObject({ state: 'completed', result: { to: RESET.to } });
  });

  it('still shows the dead letter with its input and the decoded failure of each attempt', async () => {
    const list = await harness.app.inject({ method: 'GET', url: '/dead-letters' });
    const entry = list.json().items.find((item: { jobId: string }) => item.jobId === jobs.refused);
    expect(entry).toBeDefined();
    const shown = await harness.app.inject({ method: 'GET', url: `/dead-letters/${entry.id}` });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({
      input: REFUSED,
      failedStep: 'deliverEmail',
      errorType: 'SmtpPermanentFailure',
      attempts: [{ step: 'deliverEmail', attempts: 1, errorType: 'SmtpPermanentFailure' }],
    });
    expect(shown.json().attempts[0].message).toContain('5.1.1 Mailbox unavailable');
  });
});
