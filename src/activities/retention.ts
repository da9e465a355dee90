import { log } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../config';
import type { DeadLetterStore } from '../dead-letters/dead-letter-store';
import { redactDeadLetter } from '../dead-letters/redaction';
import type { BlobStore } from '../files/blob-store';
import type { ExpiryCutoffs, StoredFileRepository } from '../files/stored-file-repository';
import type { IdempotencyKeyStore } from '../jobs/idempotency-keys';
import { retentionDeletedFilesTotal, retentionRedactedDeadLettersTotal } from '../monitoring/metrics';

export interface RetentionActivityDependencies {
  temporal: Client;
  storedFiles: StoredFileRepository;
  blobs: BlobStore;
  deadLetters: DeadLetterStore;
  idempotencyKeys: Pick<IdempotencyKeyStore, 'deleteExpired'>;
  config: Pick<
    Config,
    'fileRetentionMs' | 'fileOrphanRetentionMs' | 'deadLetterRedactAfterMs' | 'idempotencyKeyRetentionMs'
  >;
}

/** One batch of a sweep step, as of the sweep's `now` (the workflow's time, ISO-8601). */
export interface RetentionBatch {
  now: string;
  limit: number;
}

/** `seen`: what the batch looked at (a full batch means there may be more); `done`: what it changed. */
export interface RetentionBatchOutcome {
  seen: number;
  done: number;
}

/** When the job ended; undefined while it runs. A job Temporal no longer knows ended long ago. */
async function jobEnd(temporal: Client, jobId: string, now: Date): Promise<Date | undefined> {
  try {
    const description = await temporal.workflow.getHandle(jobId).describe();
    if (description.status.name === 'RUNNING') return undefined;
    return description.closeTime ?? now;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return now;
    throw error;
  }
}

/**
 * The retention sweep's steps. Each is safe to retry and to run on two hosts at once: files are
 * claimed before deletion, removing bytes that are gone is no error, and an entry is redacted once.
 */
export function createRetentionActivities(dependencies: RetentionActivityDependencies) {
  const { temporal, storedFiles, blobs, deadLetters, idempotencyKeys, config } = dependencies;

  const cutoffsAt = (now: Date): ExpiryCutoffs => ({
    jobsFinishedBefore: new Date(now.getTime() - config.fileRetentionMs),
    orphansCreatedBefore: new Date(now.getTime() - config.fileOrphanRetentionMs),
  });

  async function deleteClaimed(
    reason: 'expired' | 'orphan',
    { now, limit }: RetentionBatch,
  ): Promise<RetentionBatchOutcome> {
    const at = new Date(now);
    const kind = reason === 'expired' ? 'used' : 'orphans';
    const claimed = await storedFiles.claimExpired(kind, cutoffsAt(at), limit, at);
    let deleted = 0;
    for (const fileId of claimed) {
      // Bytes first: metadata left behind by a crash is claimed again; bytes left behind would not be.
      await blobs.remove(fileId);
      if (await storedFiles.purge(fileId)) deleted += 1;
    }
    if (deleted > 0) {
      retentionDeletedFilesTotal.inc({ reason }, deleted);
      log.info('retention deleted files', { reason, deleted });
    }
    return { seen: claimed.length, done: deleted };
  }

  return {
    /** Records when the jobs using files ended, as Temporal tells; running ones are checked again later. */
    async settleFileJobs({ now, limit }: RetentionBatch): Promise<RetentionBatchOutcome> {
      const at = new Date(now);
      const jobIds = await storedFiles.unsettledJobs(limit, at);
      let settled = 0;
      for (const jobId of jobIds) {
        const endedAt = await jobEnd(temporal, jobId, at);
        await storedFiles.settleJob(jobId, endedAt, at);
        if (endedAt) settled += 1;
      }
      return { seen: jobIds.length, done: settled };
    },

    /** Files whose jobs all ended more than FILE_RETENTION ago, unless a dead letter still needs them. */
    deleteExpiredFiles: (batch: RetentionBatch) => deleteClaimed('expired', batch),

    /** Files no job used, uploaded more than FILE_ORPHAN_RETENTION ago. */
    deleteOrphanFiles: (batch: RetentionBatch) => deleteClaimed('orphan', batch),

    /** Dead letters older than DEAD_LETTER_REDACT_AFTER lose their personal fields; the entries stay. */
    async redactDeadLetters({ now, limit }: RetentionBatch): Promise<RetentionBatchOutcome> {
      const at = new Date(now);
      const due = await deadLetters.listUnredacted(
        new Date(at.getTime() - config.deadLetterRedactAfterMs),
        limit,
      );
      let redacted = 0;
      for (const entry of due) {
        if (await deadLetters.saveRedacted(entry.id, redactDeadLetter(entry), at)) redacted += 1;
      }
      if (redacted > 0) {
        retentionRedactedDeadLettersTotal.inc(redacted);
        log.info('retention redacted dead letters', { redacted });
      }
      return { seen: due.length, done: redacted };
    },

    /** Idempotency keys first used more than IDEMPOTENCY_KEY_RETENTION ago: a new request may use them again. */
    async deleteExpiredIdempotencyKeys({ now, limit }: RetentionBatch): Promise<RetentionBatchOutcome> {
      const usedBefore = new Date(new Date(now).getTime() - config.idempotencyKeyRetentionMs);
      const deleted = await idempotencyKeys.deleteExpired(usedBefore, limit);
      if (deleted > 0) log.info('retention forgot idempotency keys', { deleted });
      return { seen: deleted, done: deleted };
    },
  };
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
