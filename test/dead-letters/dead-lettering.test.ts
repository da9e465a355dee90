import { optionalTsToMs } from '@temporalio/common/lib/time';
import { JOB_STATE_SEARCH_ATTRIBUTE } from '../../src/contracts';
import { overwriteBlob } from '../helpers/blobs';
import { useUploadSuite } from '../helpers/jobs-harness';

describe('dead-lettering an upload job', () => {
  const suite = useUploadSuite();

  const entryFor = async (jobId: string) =>
    (await suite.harness.testApp.services.deadLetters.list({ limit: 100 })).items.filter(
      (entry) => entry.jobId === jobId,
    );

  const analysisRows = async (fileId: string) =>
    (await suite.harness.testApp.services.fileAnalyses.listForFile(fileId)).map(({ status }) => ({ status }));

  it('records one entry after exactly the declared attempts and backoff, and marks the run for the Web UI', async () => {
    suite.receiver.answer([], 503);
    const { fileId } = await suite.harness.uploadFile('the suite.receiver is down', 'text/plain');
    const jobId = await suite.harness.startProcessing({ fileId, notifyUrl: suite.receiver.url });
    await suite.harness.waitForJob(jobId);

    // The webhook policy promises 6 attempts.
    const maximumAttempts = 6;
    const entries = await entryFor(jobId);
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry).toMatchObject({
      jobType: 'processUpload',
      status: 'pending',
      failedStep: 'notifyWebhook',
      errorType: 'WebhookFailed',
      input: { fileId, notifyUrl: suite.receiver.url },
      attempts: [{ step: 'notifyWebhook', attempts: maximumAttempts, errorType: 'WebhookFailed' }],
    });
    expect(entry!.errorMessage).toContain('answered 503');
    expect(suite.receiver.deliveriesFor(jobId)).toHaveLength(maximumAttempts);

    // 2 + 4 + 8 + 16 + 32 s of declared backoff passed in workflow time before the entry was made.
    const description = await suite.harness.env.client.workflow.getHandle(jobId).describe();
    const events = await suite.harness.history(jobId);
    const firstScheduled = events.find(
      (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'notifyWebhook',
    );
    const finalFailure = events.find((event) => event.activityTaskFailedEventAttributes);
    expect(
      optionalTsToMs(finalFailure!.eventTime)! - optionalTsToMs(firstScheduled!.eventTime)!,
    ).toBeGreaterThanOrEqual(62_000);

    expect(description.typedSearchAttributes.get(JOB_STATE_SEARCH_ATTRIBUTE)).toBe('dead_lettered');
    const status = await suite.harness.status(jobId);
    expect(status.state).toBe('dead_lettered');
    expect(status.error).toContain(`Dead-lettered as ${entry!.id}`);
    expect(status.error).toContain('answered 503');
    // The analysis had finished, but the job did not: it is flagged, not passed off as done.
    expect(await analysisRows(fileId)).toEqual([{ status: 'incomplete' }]);
  });

  it('dead-letters a non-retryable failure on the first attempt, and sends no webhook', async () => {
    suite.receiver.answer([], 200);
    const { fileId } = await suite.harness.uploadFile('original', 'text/plain');
    await overwriteBlob(suite.harness.testApp.services.blobs, fileId, 'changed behind our back');
    const jobId = await suite.harness.startProcessing({ fileId, notifyUrl: suite.receiver.url });
    await suite.harness.waitForJob(jobId);

    const [entry] = await entryFor(jobId);
    expect(entry).toMatchObject({
      failedStep: 'analyseFile',
      errorType: 'ChecksumMismatch',
      attempts: [{ step: 'analyseFile', attempts: 1, errorType: 'ChecksumMismatch' }],
    });
    expect(suite.receiver.deliveriesFor(jobId)).toHaveLength(0);
    expect((await suite.harness.status(jobId)).state).toBe('dead_lettered');
  });
});
