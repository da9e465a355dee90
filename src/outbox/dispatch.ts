import type { Client } from '@temporalio/client';
import { describeError } from '../errors';
import { jobIdFor, startJobOfType, type StartedJob } from '../jobs/start-job';
import type { JobType } from '../contracts';
import type { OutboxEntry, OutboxRepository } from './outbox-entry';

/** The id the entry's job gets: known at insert time, the same however often dispatch is tried. */
export function outboxJobId(jobType: JobType, entryId: string): string {
  return jobIdFor(jobType, entryId);
}

export interface DispatchOptions {
  /** How long to wait for Temporal before leaving the entry to the relay. */
  timeoutMs?: number;
}

/**
 * Starts the entry's job with the entry id as idempotency key, then marks it dispatched. If the
 * process dies between the two, the next attempt finds the job already there: still one job.
 */
export async function dispatchOutboxEntry(
  temporal: Client,
  outbox: OutboxRepository,
  entry: OutboxEntry,
  options: DispatchOptions = {},
): Promise<StartedJob> {
  let started: StartedJob;
  try {
    // The input was checked for its job type when the entry was recorded.
    started = await startJobOfType(temporal, entry.jobType, entry.input as never, {
      idempotencyKey: entry.id,
      timeoutMs: options.timeoutMs,
    });
  } catch (error) {
    await outbox.recordDispatchFailure(entry.id, describeError(error));
    throw error;
  }
  await outbox.markDispatched(entry.id);
  return started;
}
