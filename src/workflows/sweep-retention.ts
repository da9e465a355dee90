import { proxyActivities } from '@temporalio/workflow';
import type { RetentionActivities, RetentionBatchOutcome } from '../activities/retention';
import { ACTIVITY_OPTIONS } from '../contracts';

const { settleFileJobs, deleteExpiredFiles, deleteOrphanFiles, redactDeadLetters } =
  proxyActivities<RetentionActivities>(ACTIVITY_OPTIONS.retention);

/** Rows per activity call: small enough for one attempt to finish well within its timeout. */
export const RETENTION_BATCH_SIZE = 100;
/** Batches per step and run, so one run's history stays small; the next run goes on from there. */
export const RETENTION_MAX_BATCHES = 50;

export interface SweepRetentionResult {
  jobsSettled: number;
  expiredFilesDeleted: number;
  orphanFilesDeleted: number;
  deadLettersRedacted: number;
}

async function inBatches(
  step: (batch: { now: string; limit: number }) => Promise<RetentionBatchOutcome>,
  now: string,
): Promise<number> {
  let done = 0;
  for (let batch = 0; batch < RETENTION_MAX_BATCHES; batch += 1) {
    const outcome = await step({ now, limit: RETENTION_BATCH_SIZE });
    done += outcome.done;
    if (outcome.seen < RETENTION_BATCH_SIZE) break;
  }
  return done;
}

/**
 * Deletes uploaded files past their retention and redacts old dead letters, in bounded batches.
 * Started by the `durable-jobs-retention` schedule; every step is idempotent, so an overlapping
 * or repeated run does no harm. The whole run judges expiry as of its start (workflow time).
 */
export async function sweepRetention(): Promise<SweepRetentionResult> {
  const now = new Date().toISOString();
  // Settled first, so that files whose jobs just ended count as such in this run.
  const jobsSettled = await inBatches(settleFileJobs, now);
  const expiredFilesDeleted = await inBatches(deleteExpiredFiles, now);
  const orphanFilesDeleted = await inBatches(deleteOrphanFiles, now);
  const deadLettersRedacted = await inBatches(redactDeadLetters, now);
  return { jobsSettled, expiredFilesDeleted, orphanFilesDeleted, deadLettersRedacted };
}
