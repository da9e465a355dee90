import { Context } from '@temporalio/activity';
import { JobsHarness } from '../helpers/jobs-harness';
import { WebhookReceiver } from '../helpers/webhook-receiver';

describe('the compensating step', () => {
  let harness: JobsHarness;
  let receiver: WebhookReceiver;
  let recordCalls = 0;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    // The real activity, made to lose its reply once after writing (as a worker crash would):
    // the retry must find the entry already there rather than add a second one.
    harness = await JobsHarness.start({
      config: { webhookAllowedHosts: [receiver.allowedHost] },
      wrapActivities: (activities) => ({
        ...activities,
        recordDeadLetter: async (request) => {
          recordCalls += 1;
          const outcome = await activities.recordDeadLetter(request);
          if (Context.current().info.attempt === 1)
            throw new Error('worker lost before reporting completion');
          return outcome;
        },
      }),
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await receiver?.stop();
  });

  it('runs again after its own failure and still leaves exactly one entry', async () => {
    receiver.answer([], 410);
    const { fileId } = await harness.uploadFile('compensate me', 'text/plain');
    const jobId = await harness.startProcessing({ fileId, notifyUrl: receiver.url });
    await harness.waitForJob(jobId);

    expect(recordCalls).toBe(2);
    const { items: entries } = await harness.testApp.services.deadLetters.list({ limit: 10 });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ jobId, errorType: 'WebhookRejected' });
    const status = await harness.status(jobId);
    expect(status.state).toBe('dead_lettered');
    expect(status.error).toContain(entries[0]!.id);
  });
});
