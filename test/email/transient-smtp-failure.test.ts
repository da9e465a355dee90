import { getJob, postEmail, startEmailHarness, type EmailHarness } from '../helpers/email-harness';

describe('SMTP 421 (try again later)', () => {
  let harness: EmailHarness;

  beforeAll(async () => {
    harness = await startEmailHarness({
      replyToData: (attempt) =>
        attempt <= 2 ? { code: 421, message: '4.3.2 Service not available, try again later' } : undefined,
    });
  });

  afterAll(async () => {
    await harness?.teardown();
  });

  it('is retried: refused twice, delivered on attempt 3 with the same Message-ID', async () => {
    const jobId = await postEmail(harness.app, {
      to: 'bob@example.com',
      template: 'welcome',
      params: { name: 'Bob' },
    });

    await harness.env.client.workflow.getHandle(jobId).result();

    expect(harness.smtp.dataAttempts).toBe(3);
    expect(harness.smtp.received).toHaveLength(1);
    const messageId = `<${jobId}@durable-jobs.local>`;
    expect(harness.smtp.offeredMessageIds).toEqual([messageId, messageId, messageId]);

    const job = await getJob(harness.app, jobId);
    expect(job).toMatchObject({ state: 'completed', attempts: 3, progress: 100, stage: 'done' });
  });
});
