import { ActivityFailure, ApplicationFailure, patched, proxyActivities } from '@temporalio/workflow';
import type { RetentionActivities, RetentionBatchOutcome } from '../activities/retention';
import { ACTIVITY_OPTIONS } from '../contracts';

const {
  settleFileJobs,
  deleteExpiredFiles,
  deleteOrphanFiles,
  redactDeadLetters,
  deleteExpiredIdempotencyKeys,
} = proxyActivities<RetentionActivities>(ACTIVITY_OPTIONS.retention);

/** From this change on, the sweep also forgets expired idempotency keys, after its other steps. */
export const EXPIRE_IDEMPOTENCY_KEYS_PATCH = 'expire-idempotency-keys';

/** Rows per activity call: small enough for one attempt to finish well within its timeout. */
export const RETENTION_BATCH_SIZE = 100;
/** Batches per step and run, so one run's history stays small; the next run goes on from there. */
export const RETENTION_MAX_BATCHES = 50;

export interface SweepRetentionResult {
  jobsSettled: number;
  expiredFilesDeleted: number;
  orphanFilesDeleted: number;
  deadLettersRedacted: number;
  idempotencyKeysDeleted: number;
}

type Step = (batch: { now: string; limit: number }) => Promise<RetentionBatchOutcome>;

/** Runs `step` batch after batch; a step that fails for good is noted and the sweep goes on. */
async function inBatches(name: string, step: Step, now: string, failed: string[]): Promise<number> {
  let done = 0;
  try {
    for (let batch = 0; batch < RETENTION_MAX_BATCHES; batch += 1) {
      const outcome = await step({ now, limit: RETENTION_BATCH_SIZE });
      done += outcome.done;
      if (outcome.seen < RETENTION_BATCH_SIZE) break;
    }
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    failed.push(name);
  }
  return done;
}

/**
 * Deletes uploaded files past their retention, redacts old dead letters and forgets expired
 * idempotency keys, in bounded batches.
 * Started by the `durable-jobs-retention` schedule; every step is idempotent, so an overlapping
 * or repeated run does no harm. The whole run judges expiry as of its start (workflow time).
 */
export async function sweepRetention(): Promise<SweepRetentionResult> {
  const now = new Date().toISOString();
  // A failing step (the object store down, say) must not keep the others from running.
  const failed: string[] = [];
  // Settled first, so that files whose jobs just ended count as such in this run.
  const jobsSettled = await inBatches('settleFileJobs', settleFileJobs, now, failed);
  const expiredFilesDeleted = await inBatches('deleteExpiredFiles', deleteExpiredFiles, now, failed);
  const orphanFilesDeleted = await inBatches('deleteOrphanFiles', deleteOrphanFiles, now, failed);
  const deadLettersRedacted = await inBatches('redactDeadLetters', redactDeadLetters, now, failed);
  const idempotencyKeysDeleted = patched(EXPIRE_IDEMPOTENCY_KEYS_PATCH)
    ? await inBatches('deleteExpiredIdempotencyKeys', deleteExpiredIdempotencyKeys, now, failed)
    : 0;
  const result = {
    jobsSettled,
    expiredFilesDeleted,
    orphanFilesDeleted,
    deadLettersRedacted,
    idempotencyKeysDeleted,
  };
  if (failed.length > 0) {
    // Failed visibly, with what the other steps did; the next scheduled run tries again.
    throw ApplicationFailure.nonRetryable(
      `Retention steps failed: ${failed.join(', ')}`,
      'RetentionIncomplete',
      result,
    );
  }
  return result;
}
