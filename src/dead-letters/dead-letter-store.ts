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

/** One field a redrive corrected: its stored value and the one the new run got (null: removed). */
export interface InputChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** Who redrove an entry and what they changed; `redrivenAt` says when. */
export interface RedriveRecord {
  /** The token's name, or `anonymous` in open mode. */
  by: string;
  changes: InputChange[];
}

/** A redrive that was claimed but did not start a job: who tried, when, and why it failed. */
export interface RedriveFailure {
  by: string;
  at: string;
  error: string;
}

export interface DeadLetter extends NewDeadLetter {
  id: string;
  failedAt: string;
  status: DeadLetterStatus;
  redrivenJobId: string | null;
  redrivenAt: string | null;
  redrivenBy: string | null;
  /** The input's corrections in that redrive; empty when it ran as stored. */
  redriveChanges: InputChange[] | null;
  /** When its personal fields were replaced by a marker (DEAD_LETTER_REDACT_AFTER). */
  redactedAt: string | null;
  /** Redrives that were tried and failed (the entry went back to pending each time). */
  failedRedrives: number;
  lastRedriveFailure: RedriveFailure | null;
}

/** What redaction rewrites of an entry. */
export interface RedactedParts {
  input: unknown;
  errorMessage: string;
  attempts: StepFailure[];
  /** A failed redrive's error may quote the input too. */
  lastRedriveFailure: RedriveFailure | null;
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
  /** Entries still `pending` (neither redriven, being redriven, nor discarded), per job type. */
  countPending(): Promise<Record<string, number>>;
  /** Newest first; throws `InvalidCursorError` for a cursor it did not hand out. */
  list(options: DeadLetterListOptions): Promise<DeadLetterPage>;
  /**
   * Takes the entry for a redrive. Only one caller can hold it: a concurrent or repeated redrive
   * gets `false`. A claim left by a process that died mid-redrive expires after CLAIM_EXPIRY_MS.
   */
  claimForRedrive(id: string, now?: Date): Promise<boolean>;
  /**
   * Claims up to `limit` pending entries at once, oldest first, for a bulk redrive. Redacted
   * entries are left out: each needs its redacted fields supplied, one by one.
   */
  claimBatchForRedrive(options: { jobType?: string; limit: number }, now?: Date): Promise<DeadLetter[]>;
  /** Marks the entry redriven into `jobId`, recording who did it and what they corrected. */
  completeRedrive(id: string, jobId: string, record: RedriveRecord, now?: Date): Promise<void>;
  /** Gives a claimed entry back (pending again), recording the failure when the redrive failed. */
  releaseRedrive(id: string, failure?: Omit<RedriveFailure, 'at'>, now?: Date): Promise<void>;
  /** Discards an entry; `false` when there is none or it is being redriven right now. */
  discard(id: string): Promise<boolean>;
  /** Up to `limit` entries not yet redacted that failed before `failedBefore`, oldest first. */
  listUnredacted(failedBefore: Date, limit: number): Promise<DeadLetter[]>;
  /**
   * Replaces an entry's input and messages by their redacted form; `false` when it was redacted
   * already (another sweep got there first) or is being redriven right now.
   */
  saveRedacted(id: string, parts: RedactedParts, now?: Date): Promise<boolean>;
}
