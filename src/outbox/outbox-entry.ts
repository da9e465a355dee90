import type { JobType } from '../contracts';
import type { JobInput } from '../jobs/job-workflows';

/** A job to start, recorded in the same transaction as the change that asks for it. */
export interface OutboxEntry {
  id: string;
  jobType: JobType;
  /** Derived from `id`, so it is known before the job is started. */
  jobId: string;
  input: unknown;
  createdAt: string;
  dispatchedAt: string | null;
  dispatchAttempts: number;
  lastError: string | null;
}

export type NewOutboxEntry = Pick<OutboxEntry, 'id' | 'jobType' | 'jobId' | 'input'>;

/** A new entry whose input tsc has checked against its job type's workflow. */
export type NewOutboxEntryOf<T extends JobType> = NewOutboxEntry & { jobType: T; input: JobInput<T> };

/** Longer than a relay pass takes; a claim left by a host that died is taken over after it. */
export const OUTBOX_CLAIM_EXPIRY_MS = 5 * 60 * 1000;

export interface OutboxRepository {
  /** Undispatched entries, oldest first. */
  pending(limit: number): Promise<OutboxEntry[]>;
  /**
   * Takes up to `limit` undispatched entries, oldest first, that no other relay holds (or whose
   * claim expired), so that relays on several hosts do not start the same entries.
   */
  claimPending(limit: number, now?: Date): Promise<OutboxEntry[]>;
  /** Gives back claimed entries that this relay will not dispatch now. */
  releaseClaims(ids: string[]): Promise<void>;
  findById(id: string): Promise<OutboxEntry | undefined>;
  /** Also ends the entry's claim. */
  markDispatched(id: string): Promise<void>;
  /** Also ends the entry's claim, so that the next pass retries it. */
  recordDispatchFailure(id: string, error: string): Promise<void>;
}
