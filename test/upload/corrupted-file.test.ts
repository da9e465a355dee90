// A stored file whose bytes change after intake is never analysed as if it were the upload: the
// checksum recorded at intake no longer matches, and retrying cannot make it match again.
import { ApplicationFailure } from '@temporalio/common';
import type { JobActivities } from '../../src/activities';
import { ErrorType } from '../../src/contracts';
import { overwriteBlob, readBlob } from '../helpers/blobs';
import { useUploadSuite } from '../helpers/jobs-harness';

/** Throws a mismatch marked retryable for one chosen file, as a careless activity might. */
class RetryableMismatch {
  fileId?: string;

  wrap = (activities: JobActivities): JobActivities => ({
    ...activities,
    analyseFile: async (input) => {
      if (input.fileId !== this.fileId) return activities.analyseFile(input);
      throw ApplicationFailure.retryable('Checksum mismatch (thrown retryable)', ErrorType.checksumMismatch);
    },
  });
}

describe('processUpload: a stored file corrupted after intake', () => {
  const retryableMismatch = new RetryableMismatch();
  const suite = useUploadSuite({ wrapActivities: retryableMismatch.wrap });

  /** The attempt numbers of analyseFile's started events: the last attempt of each activity. */
  const analyseAttempts = async (jobId: string) => {
    const events = await suite.harness.history(jobId);
    const scheduled = new Set(
      events
        .filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'analyseFile')
        .map((event) => String(event.eventId)),
    );
    return events
      .map((event) => event.activityTaskStartedEventAttributes)
      .filter((started) => started && scheduled.has(String(started.scheduledEventId)))
      .map((started) => started!.attempt);
  };

  const deadLettersFor = async (jobId: string) =>
    (await suite.harness.testApp.services.deadLetters.list({ limit: 100 })).items.filter(
      (entry) => entry.jobId === jobId,
    );

  it('is dead-lettered on the first analyse attempt with ChecksumMismatch, the failure non-retryable', async () => {
    const { fileId } = await suite.harness.uploadFile('the bytes as they were uploaded', 'text/plain');
    const blobs = suite.harness.testApp.services.blobs;
    // One byte flipped in place: same size, so only the checksum can tell.
    const corrupted = Buffer.from(await readBlob(blobs, fileId));
    corrupted[4] = corrupted[4]! ^ 0xff;
    await overwriteBlob(blobs, fileId, corrupted);

    const jobId = await suite.harness.startProcessing({ fileId, notifyUrl: suite.receiver.url });
    await suite.harness.waitForJob(jobId);

    const status = await suite.harness.status(jobId);
    expect(status.state).toBe('dead_lettered');
    expect(status.attempts).toBe(1);
    expect(status.error).toContain('Checksum mismatch');
    const [entry, ...others] = await deadLettersFor(jobId);
    expect(others).toHaveLength(0);
    // Spelt out: the error type is part of the dead-letter API, not only a shared constant.
    expect(entry).toMatchObject({ failedStep: 'analyseFile', errorType: 'ChecksumMismatch' });
    expect(suite.receiver.deliveriesFor(jobId)).toHaveLength(0);

    const events = await suite.harness.history(jobId);
    const failures = events.flatMap((event) => event.activityTaskFailedEventAttributes?.failure ?? []);
    const analyseFailure = failures.find(
      (failure) => failure.applicationFailureInfo?.type === 'ChecksumMismatch',
    );
    // The activity itself says retrying is useless, not only the workflow's retry policy.
    expect(analyseFailure?.applicationFailureInfo?.nonRetryable).toBe(true);
    expect(await analyseAttempts(jobId)).toEqual([1]);
  });

  it("is not retried by analyseFile's retry policy even when an attempt throws it as retryable", async () => {
    const { fileId } = await suite.harness.uploadFile('mismatch thrown retryable', 'text/plain');
    retryableMismatch.fileId = fileId;
    const jobId = await suite.harness.startProcessing({ fileId });
    await suite.harness.waitForJob(jobId);

    const status = await suite.harness.status(jobId);
    expect(status.state).toBe('dead_lettered');
    expect(status.attempts).toBe(1);
    expect(status.error).toContain('thrown retryable');
    expect(await analyseAttempts(jobId)).toEqual([1]);
  });
});
