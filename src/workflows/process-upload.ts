import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { UploadActivities } from '../activities/upload';
import { ACTIVITY_OPTIONS, type ProcessUploadInput, type ProcessUploadResult } from '../contracts';
import { runJob } from './job-lifecycle';

const { openStoredFile } = proxyActivities<UploadActivities>(ACTIVITY_OPTIONS.openStoredFile);
const { analyseFile } = proxyActivities<UploadActivities>(ACTIVITY_OPTIONS.analyseFile);
const { notifyWebhook } = proxyActivities<UploadActivities>(ACTIVITY_OPTIONS.notifyWebhook);
const { markUploadIncomplete } = proxyActivities<UploadActivities>(ACTIVITY_OPTIONS.compensation);

/** Replaces `process_upload.delay(file_id)`: open, analyse, notify; progress 10 → 50…90 → 100. */
export async function processUpload(input: ProcessUploadInput): Promise<ProcessUploadResult> {
  const jobId = workflowInfo().workflowId;
  const compensate = () => markUploadIncomplete({ fileId: input.fileId, jobId });
  return runJob({ type: 'processUpload', input, compensate }, async (progress) => {
    await openStoredFile(input.fileId);
    progress.report('fetched', 10);

    progress.report('analysing', 50, 90);
    const analysis = await analyseFile({ jobId, fileId: input.fileId, expectedSha256: input.sha256 });

    const result: ProcessUploadResult = {
      fileId: input.fileId,
      size: analysis.size,
      sha256: analysis.sha256,
      declaredContentType: input.contentType,
      mimeType: analysis.mimeType,
      facts: { ...analysis.facts },
      notified: { webhook: false, email: false },
    };
    if (input.notifyUrl) {
      progress.report('notifying', 90);
      await notifyWebhook({
        jobId,
        url: input.notifyUrl,
        payload: { event: 'upload.processed', jobId, result },
      });
      result.notified.webhook = true;
    }
    return result;
  });
}
