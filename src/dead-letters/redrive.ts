import { conflict, notFound } from '../api/errors';
import { JOB_TYPES, type JobType } from '../contracts';
import type { JobInputPreparer } from '../jobs/job-inputs';
import type { StartedJob } from '../jobs/start-job';
import type { DeadLetter, DeadLetterStore } from './dead-letter-store';

export type JobStarter = (jobType: JobType, input: unknown, idempotencyKey: string) => Promise<StartedJob>;

export interface RedriveOutcome {
  deadLetterId: string;
  jobId: string;
}

export interface BulkRedriveResult {
  redriven: RedriveOutcome[];
  failed: { deadLetterId: string; error: string }[];
}

function isJobType(value: string): value is JobType {
  return (JOB_TYPES as readonly string[]).includes(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** Starts new runs of dead-lettered jobs, each entry at most once. */
export class Redriver {
  constructor(
    private readonly store: DeadLetterStore,
    private readonly startJob: JobStarter,
    private readonly preparers: Record<JobType, JobInputPreparer>,
  ) {}

  async redriveOne(id: string, correctedInput?: Record<string, unknown>): Promise<RedriveOutcome> {
    const entry = await this.store.get(id);
    if (!entry) throw notFound('Dead letter not found', { deadLetterId: id });
    if (!(await this.store.claimForRedrive(id))) {
      throw conflict(
        entry.status === 'redriven' ? 'Dead letter was already redriven' : 'Dead letter is being redriven',
        { deadLetterId: id, status: entry.status, redrivenJobId: entry.redrivenJobId },
      );
    }
    return this.start(entry, correctedInput);
  }

  /** Bounded by `limit`; entries are claimed first, so overlapping bulk redrives never share one. */
  async redriveMany(filter: { jobType?: string; limit: number }): Promise<BulkRedriveResult> {
    const claimed = await this.store.claimBatchForRedrive(filter);
    const result: BulkRedriveResult = { redriven: [], failed: [] };
    for (const entry of claimed) {
      try {
        result.redriven.push(await this.start(entry));
      } catch (error) {
        result.failed.push({ deadLetterId: entry.id, error: (error as Error).message });
      }
    }
    return result;
  }

  private async start(entry: DeadLetter, correctedInput?: Record<string, unknown>): Promise<RedriveOutcome> {
    try {
      if (!isJobType(entry.jobType)) throw new Error(`Unknown job type ${entry.jobType}`);
      const input = await this.preparers[entry.jobType]({
        ...asRecord(entry.input),
        ...(correctedInput ?? {}),
      });
      // Keyed by the entry: a redrive retried after a crash finds the job it already started.
      const job = await this.startJob(entry.jobType, input, `redrive:${entry.id}`);
      await this.store.completeRedrive(entry.id, job.jobId);
      return { deadLetterId: entry.id, jobId: job.jobId };
    } catch (error) {
      await this.store.releaseRedrive(entry.id);
      throw error;
    }
  }
}
