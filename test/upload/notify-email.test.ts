import { JobsHarness } from '../helpers/jobs-harness';
import { TestSmtpServer } from '../helpers/smtp-test-server';

describe('processUpload: notifyEmail', () => {
  let harness: JobsHarness;
  let smtp: TestSmtpServer;
  let refuseRecipients = false;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start({
      replyToRecipient: () =>
        refuseRecipients ? { code: 550, message: '5.1.1 Mailbox unavailable' } : undefined,
    });
    harness = await JobsHarness.start({ config: { smtpUrl: smtp.url } });
  });

  afterAll(async () => {
    await harness?.stop();
    await smtp?.stop();
  });

  it('e-mails the result once, as a sendEmail job of its own', async () => {
    const { fileId, sha256 } = await harness.uploadFile('mail me the result', 'text/plain');
    const jobId = await harness.startProcessing({ fileId, notifyEmail: 'owner@example.com' });
    await harness.waitForJob(jobId);

    const status = await harness.status(jobId);
    expect(status.state).toBe('completed');
    expect(status.result).toMatchObject({ notified: { email: true }, emailJobId: `${jobId}-email` });
    const messages = smtp.received.filter((mail) => mail.recipients.includes('owner@example.com'));
    expect(messages).toHaveLength(1);
    expect(messages[0]!.parsed.subject).toBe(`Your upload ${fileId} has been processed`);
    expect(messages[0]!.parsed.text).toContain(sha256);
    expect((await harness.status(`${jobId}-email`)).state).toBe('completed');
  });

  it('keeps the analysis when the e-mail fails for good; the e-mail job is dead-lettered on its own', async () => {
    refuseRecipients = true;
    try {
      const { fileId } = await harness.uploadFile('nobody reads this', 'text/plain');
      const jobId = await harness.startProcessing({ fileId, notifyEmail: 'gone@example.com' });
      await harness.waitForJob(jobId);

      const status = await harness.status(jobId);
      expect(status.state).toBe('completed');
      expect(status.result).toMatchObject({ notified: { email: false }, emailJobId: `${jobId}-email` });
      expect((await harness.status(`${jobId}-email`)).state).toBe('dead_lettered');
      const { items: entries } = await harness.testApp.services.deadLetters.list({
        jobType: 'sendEmail',
        limit: 10,
      });
      expect(entries.map((entry) => entry.jobId)).toEqual([`${jobId}-email`]);
    } finally {
      refuseRecipients = false;
    }
  });
});
