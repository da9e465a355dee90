// Server-side request forgery, end to end through the API and the worker. Every target is on
// loopback; host names resolve through an injected resolver, so no DNS query leaves the machine.
import { processUpload } from '../../src/workflows';
import { startJob } from '../../src/jobs/start-job';
import type { AddressResolver } from '../../src/webhooks/destination-policy';
import { useUploadSuite } from '../helpers/jobs-harness';
import { WebhookReceiver } from '../helpers/webhook-receiver';

const resolver: AddressResolver = async (hostname) => {
  if (hostname === 'rebind.test' || hostname === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

describe('SSRF: where webhooks may go', () => {
  // Started before the suite, so that the harness can allow it: the target of a redirect.
  const redirectTarget = new WebhookReceiver();
  beforeAll(() => redirectTarget.start());
  afterAll(() => redirectTarget.stop());
  const suite = useUploadSuite({
    resolver,
    config: {
      // Read when the suite starts, once both receivers listen.
      get webhookAllowedHosts() {
        return [suite.receiver.allowedHost, redirectTarget.allowedHost];
      },
    },
  });

  const inject = (url: string, payload: object) => suite.harness.app.inject({ method: 'POST', url, payload });

  it.each([
    ['a loopback literal', (port: number) => `http://127.0.0.1:${port + 1}/hook`],
    ['a loopback literal over https', () => 'https://127.0.0.1/hook'],
    ["the API's own redrive route", () => 'http://127.0.0.1:3000/dead-letters/redrive'],
    ['localhost on the allowed port (exact matches only)', (port: number) => `http://localhost:${port}/`],
    ['localhost over https', (port: number) => `https://localhost:${port}/`],
    ['loopback in decimal', () => 'https://2130706433/'],
    ['loopback in hex, short form', () => 'https://0x7f.1/'],
    ['IPv6 loopback', () => 'https://[::1]/'],
    ['IPv4-mapped private address', () => 'https://[::ffff:10.0.0.1]/'],
    ['cloud metadata', () => 'https://169.254.169.254/latest/meta-data/'],
    ['a name that resolves to loopback now', () => 'https://rebind.test/hook'],
    ['plain http to a host that is not allowed', () => 'http://hooks.example.com/'],
  ])('POST /upload refuses %s with 400, connecting nowhere', async (_label, urlFor) => {
    const connections = suite.receiver.connections;
    const { fileId } = await suite.harness.uploadFile('refused hook', 'text/plain');
    const response = await inject('/upload', { fileId, notifyUrl: urlFor(suite.receiver.port) });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'notifyUrl',
      error: expect.stringMatching(/^notifyUrl is refused: /),
    });
    expect(suite.receiver.connections).toBe(connections);
  });

  it("refuses a redrive's corrected notifyUrl with 400, and redrives with an allowed one", async () => {
    suite.receiver.answer([], 410);
    const { fileId } = await suite.harness.uploadFile('dead-lettered, then corrected', 'text/plain');
    const failedJob = await suite.harness.startProcessing({ fileId, notifyUrl: suite.receiver.url });
    await suite.harness.waitForJob(failedJob);
    suite.receiver.answer([], 200);
    const { items } = await suite.harness.testApp.services.deadLetters.list({ limit: 100 });
    const entry = items.find((item) => item.jobId === failedJob);
    expect(entry).toBeDefined();

    const refused = await inject(`/dead-letters/${entry!.id}/redrive`, {
      input: { notifyUrl: 'https://127.0.0.1:9/hook' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'notifyUrl' });

    const accepted = await inject(`/dead-letters/${entry!.id}/redrive`, {
      input: { notifyUrl: `${suite.receiver.url}?corrected=1` },
    });
    expect(accepted.statusCode).toBe(202);
  });

  it('fails for good, at connect time, a job whose name resolves to loopback, and the receiver gets nothing', async () => {
    const connections = suite.receiver.connections;
    const { fileId, sha256 } = await suite.harness.uploadFile('rebinding', 'text/plain');
    // Started past the API, as a name that resolved elsewhere when the job was accepted would be.
    const notifyUrl = `https://rebind.test:${suite.receiver.port}/hooks/upload`;
    const { jobId } = await startJob(suite.harness.env.client, processUpload, {
      fileId,
      sha256,
      size: 'rebinding'.length,
      contentType: 'text/plain',
      notifyUrl,
    });
    await suite.harness.waitForJob(jobId);

    const status = await suite.harness.status(jobId);
    expect(status.state).toBe('dead_lettered');
    expect(status.attempts).toBe(1);
    const { items } = await suite.harness.testApp.services.deadLetters.list({ limit: 100 });
    const entry = items.find((item) => item.jobId === jobId);
    expect(entry).toMatchObject({ errorType: 'WebhookDestinationRefused' });
    // Nothing a caller could probe with: no address, port, status or connect error.
    const message = entry!.errorMessage;
    expect(message).toBe(
      'Webhook destination refused: only https: to public addresses, or a host in WEBHOOK_ALLOWED_HOSTS',
    );
    expect(status.error).toContain(message);
    expect(status.error).not.toMatch(/127\.0\.0\.1|loopback|ECONN|rebind/);
    expect(status.error).not.toContain(String(suite.receiver.port));
    expect(suite.receiver.connections).toBe(connections);
  });

  it('does not follow a redirect from the allowed receiver to another loopback port', async () => {
    suite.receiver.redirectTo(redirectTarget.url);
    try {
      const { fileId } = await suite.harness.uploadFile('redirected', 'text/plain');
      const jobId = await suite.harness.startProcessing({ fileId, notifyUrl: suite.receiver.url });
      await suite.harness.waitForJob(jobId);

      const status = await suite.harness.status(jobId);
      expect(status.state).toBe('dead_lettered');
      expect(status.attempts).toBe(1);
      expect(status.error).toContain('answered with a redirect, which is not followed');
      expect(status.error).not.toContain(String(redirectTarget.port));
      expect(suite.receiver.deliveriesFor(jobId)).toHaveLength(1);
      expect(redirectTarget.received).toHaveLength(0);
      expect(redirectTarget.connections).toBe(0);
    } finally {
      suite.receiver.redirectTo(undefined);
    }
  });
});
