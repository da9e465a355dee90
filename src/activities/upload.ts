import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType, type StepHeartbeat } from '../contracts';
import { ContentAnalyser, UnreadableContentError, type ContentAnalysis } from '../files/content-analysis';
import type { FileAnalysisRepository } from '../files/file-analysis-repository';
import { BlobNotFoundError, type BlobStore, type OpenedBlob } from '../files/blob-store';
import type { FileStore } from '../files/file-store';
import type { SideEffectLedger } from '../jobs/side-effects';
import type { WebhookDelivery } from '../webhooks/delivery';
import { deliveryFailure } from '../webhooks/delivery-failure';

export interface UploadActivityDependencies {
  files: FileStore;
  blobs: BlobStore;
  fileAnalyses: FileAnalysisRepository;
  sideEffects: SideEffectLedger;
  webhooks: WebhookDelivery;
}

export interface OpenedFile {
  fileId: string;
  size: number;
}

export interface AnalyseFileInput {
  jobId: string;
  fileId: string;
  expectedSha256: string;
}

export interface WebhookInput {
  jobId: string;
  url: string;
  payload: Record<string, unknown>;
}

export interface WebhookOutcome {
  status: number | null;
  /** True when an earlier attempt had already delivered it: nothing was sent this time. */
  alreadyDelivered: boolean;
}

/** How long a read runs before it heartbeats its progress. */
const SILENT_START_MS = 1_000;

function fileNotFound(fileId: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`File ${fileId} not found in storage`, ErrorType.fileNotFound);
}

export function createUploadActivities({
  files,
  blobs,
  fileAnalyses,
  sideEffects,
  webhooks,
}: UploadActivityDependencies) {
  return {
    async openStoredFile(fileId: string): Promise<OpenedFile> {
      const stored = await files.get(fileId);
      if (!stored) throw fileNotFound(fileId);
      // Any failure but a missing blob (an unreachable object store, say) is left retryable.
      const size = await blobs.size(fileId);
      if (size === undefined) throw fileNotFound(fileId);
      return { fileId, size };
    },

    /** Streams the file once, heartbeating how far it got, so a stalled read times out. */
    async analyseFile({ jobId, fileId, expectedSha256 }: AnalyseFileInput): Promise<ContentAnalysis> {
      const context = Context.current();
      // Also recorded by the API at start; this covers jobs started by a redrive or the outbox.
      await files.linkJob(fileId, jobId);
      let opened: OpenedBlob;
      try {
        opened = await blobs.open(fileId, { signal: context.cancellationSignal });
      } catch (error) {
        if (error instanceof BlobNotFoundError) throw fileNotFound(fileId);
        throw error;
      }
      const { size: total, stream } = opened;
      const analyser = new ContentAnalyser();
      const startedAt = performance.now();
      for await (const chunk of stream) {
        analyser.update(chunk as Buffer);
        // None in the first second: a small file is read before a heartbeat (a write on the
        // server) would tell anyone anything, and the heartbeat timeout runs from the start anyway.
        if (performance.now() - startedAt >= SILENT_START_MS) {
          context.heartbeat({ done: analyser.size, total } satisfies StepHeartbeat);
        }
      }
      let analysis: ContentAnalysis;
      try {
        analysis = analyser.finish();
      } catch (error) {
        if (error instanceof UnreadableContentError) {
          throw ApplicationFailure.nonRetryable(error.message, ErrorType.unsupportedFile);
        }
        throw error;
      }
      if (analysis.sha256 !== expectedSha256) {
        log.warn('checksum mismatch', { fileId, sha256: analysis.sha256, expectedSha256 });
        throw ApplicationFailure.nonRetryable(
          `Checksum mismatch: stored file has sha256 ${analysis.sha256}, intake recorded ${expectedSha256}`,
          ErrorType.checksumMismatch,
        );
      }
      await fileAnalyses.saveComplete(fileId, jobId, analysis);
      log.info('file analysed', { fileId, size: analysis.size, mimeType: analysis.mimeType });
      return analysis;
    },

    /** Compensation: a dead-lettered job's analysis must not pass for a finished one. */
    async markUploadIncomplete({ fileId, jobId }: { fileId: string; jobId: string }): Promise<void> {
      await fileAnalyses.markIncomplete(fileId, jobId);
      log.warn('upload marked incomplete (compensation)', { fileId });
    },

    /** POSTs the signed result once per job, however often the activity is retried. */
    async notifyWebhook({ jobId, url, payload }: WebhookInput): Promise<WebhookOutcome> {
      const ledgerKey = `webhook:${jobId}`;
      if (await sideEffects.isDone(ledgerKey)) {
        log.info('webhook already delivered by an earlier attempt', { url });
        return { status: null, alreadyDelivered: true };
      }
      const signal = Context.current().cancellationSignal;
      const outcome = await webhooks.deliver({ jobId, url, payload, signal });
      if (outcome.kind !== 'delivered') {
        log.warn('webhook not delivered', { url, outcome });
        throw deliveryFailure(url, outcome);
      }
      await sideEffects.markDone(ledgerKey, jobId, 'webhook', String(outcome.status));
      log.info('webhook delivered', { url, status: outcome.status });
      return { status: outcome.status, alreadyDelivered: false };
    },
  };
}

export type UploadActivities = ReturnType<typeof createUploadActivities>;
