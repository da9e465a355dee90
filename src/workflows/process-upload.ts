import { ChildWorkflowFailure, executeChild, patched, workflowInfo } from '@temporalio/workflow';
import { TypedSearchAttributes } from '@temporalio/common';
import type { UploadActivities } from '../activities/upload';
import {
  ACTIVITY_OPTIONS,
  JOB_TYPE_SEARCH_ATTRIBUTE,
  type ProcessUploadInput,
  type ProcessUploadResult,
} from '../contracts';
import { sendEmail } from './send-email';
import { runJob } from './job-lifecycle';
import { proxyJobActivities } from './shutdown-retries';
import { emailMetadata } from './job-summary';

const { openStoredFile } = proxyJobActivities<UploadActivities>(ACTIVITY_OPTIONS.openStoredFile);
const { analyseFile } = proxyJobActivities<UploadActivities>(ACTIVITY_OPTIONS.analyseFile);
const { notifyWebhook } = proxyJobActivities<UploadActivities>(ACTIVITY_OPTIONS.notifyWebhook);
const { markUploadIncomplete } = proxyJobActivities<UploadActivities>(ACTIVITY_OPTIONS.compensation);

/**
 * analyseFile reports a missing file itself, so the separate open step went. Runs started before
 * that still replay it: remove the branch with `deprecatePatch` once none of them is open.
 */
const WITHOUT_OPEN_STEP_PATCH = 'process-upload-without-open-step';

/**
 * The e-mail is a job of its own (a child workflow with a fixed id: one per upload, however often
 * this runs), with its own retries and dead letter. Its failure does not undo the analysis.
 */
async function emailResult(emailJobId: string, to: string, result: ProcessUploadResult): Promise<boolean> {
  try {
    const request = {
      to,
      template: 'upload-processed',
      params: {
        fileId: result.fileId,
        mimeType: result.mimeType,
        sha256: result.sha256,
        sizeBytes: result.size,
      },
    };
    // User metadata is not part of the command's identity: adding it changes no replayed run.
    const { summary, details } = emailMetadata(request);
    await executeChild(sendEmail, {
      workflowId: emailJobId,
      args: [request],
      staticSummary: summary,
      staticDetails: details,
      typedSearchAttributes: new TypedSearchAttributes([
        { key: JOB_TYPE_SEARCH_ATTRIBUTE, value: 'sendEmail' },
      ]),
    });
    return true;
  } catch (error) {
    if (error instanceof ChildWorkflowFailure) return false;
    throw error;
  }
}

/** Replaces `process_upload.delay(file_id)`: analyse, notify; progress 10…90 → 100. */
export async function processUpload(input: ProcessUploadInput): Promise<ProcessUploadResult> {
  const jobId = workflowInfo().workflowId;
  const compensate = () => markUploadIncomplete({ fileId: input.fileId, jobId });
  return runJob({ type: 'processUpload', input, compensate }, async (progress, version) => {
    const withoutOpenStep = version.closedByCompletion || patched(WITHOUT_OPEN_STEP_PATCH);
    if (!withoutOpenStep) {
      await openStoredFile(input.fileId);
      progress.report('fetched', 10);
    }
    progress.report('analysing', withoutOpenStep ? 10 : 50, 90);
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
    if (input.notifyUrl || input.notifyEmail) progress.report('notifying', 90);
    if (input.notifyUrl) {
      const payload = { event: 'upload.processed', jobId, result };
      await notifyWebhook({ jobId, url: input.notifyUrl, payload });
      result.notified.webhook = true;
    }
    if (input.notifyEmail) {
      result.emailJobId = `${jobId}-email`;
      result.notified.email = await emailResult(result.emailJobId, input.notifyEmail, result);
    }
    return result;
  });
}
