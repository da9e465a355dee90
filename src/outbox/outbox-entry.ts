import type { JobType } from '../contracts';

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

export interface OutboxRepository {
  /** Undispatched entries, oldest first. */
  pending(limit: number): Promise<OutboxEntry[]>;
  findById(id: string): Promise<OutboxEntry | undefined>;
  markDispatched(id: string): Promise<void>;
  recordDispatchFailure(id: string, error: string): Promise<void>;
}
