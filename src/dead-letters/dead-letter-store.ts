import { InvalidInput } from '../errors';

/** One attempt-level record of what failed, read from the job's history. */
export interface StepFailure {
  step: string;
  attempts: number;
  errorType: string | null;
  message: string;
  failedAt: string | null;
}

export interface NewDeadLetter {
  jobId: string;
  runId: string;
  jobType: string;
  input: unknown;
  errorType: string | null;
  errorMessage: string;
  failedStep: string | null;
  attempts: StepFailure[];
  jobStartedAt: string | null;
}

export type DeadLetterStatus = 'pending' | 'redriving' | 'redriven';

export interface DeadLetter extends NewDeadLetter {
  id: string;
  failedAt: string;
  status: DeadLetterStatus;
  redrivenJobId: string | null;
  redrivenAt: string | null;
}

export interface RetentionPolicy {
  maxEntries: number;
  maxAgeDays: number;
}

export interface DeadLetterPage {
  items: DeadLetter[];
  nextCursor: string | null;
}

// Cursors are opaque to clients: the (failed_at, id) of the last item seen.
export function encodeCursor(entry: DeadLetter): string {
  return Buffer.from(JSON.stringify([entry.failedAt, entry.id])).toString('base64url');
}

/** A cursor this API did not hand out. */
export class InvalidCursorError extends InvalidInput {
  constructor() {
    super("Invalid querystring: 'cursor' is not one this API returned", {
      field: 'cursor',
      location: 'querystring',
    });
  }
}

export function decodeCursor(cursor: string): [string, string] {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2 && decoded.every((part) => typeof part === 'string')) {
      return decoded as [string, string];
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

/** Longer than any redrive takes (it only starts a workflow); shorter than a person's patience. */
export const CLAIM_EXPIRY_MS = 5 * 60 * 1000;

export interface DeadLetterListOptions {
  jobType?: string;
  status?: DeadLetterStatus;
  limit: number;
  cursor?: string;
}

/** The dead-letter queue, durable in the service's database: one host's on SQLite, every host's on PostgreSQL. */
export interface DeadLetterStore {
  /** Idempotent per job run: recording the same failure twice keeps one entry and returns it. */
  record(entry: NewDeadLetter, now?: Date): Promise<DeadLetter>;
  /** Drops entries past the age limit, then the oldest beyond the count limit; returns how many. */
  prune(now?: Date): Promise<number>;
  get(id: string): Promise<DeadLetter | undefined>;
  /** Newest first; throws `InvalidCursorError` for a cursor it did not hand out. */
  list(options: DeadLetterListOptions): Promise<DeadLetterPage>;
  /**
   * Takes the entry for a redrive. Only one caller can hold it: a concurrent or repeated redrive
   * gets `false`. A claim left by a process that died mid-redrive expires after CLAIM_EXPIRY_MS.
   */
  claimForRedrive(id: string, now?: Date): Promise<boolean>;
  /** Claims up to `limit` pending entries at once, oldest first, for a bulk redrive. */
  claimBatchForRedrive(options: { jobType?: string; limit: number }, now?: Date): Promise<DeadLetter[]>;
  completeRedrive(id: string, jobId: string, now?: Date): Promise<void>;
  releaseRedrive(id: string): Promise<void>;
  /** Discards an entry; `false` when there is none or it is being redriven right now. */
  discard(id: string): Promise<boolean>;
}
