import type { JobType } from '../contracts';
import { AlreadyRedriven, DeadLetterNotFound, RedriveInProgress } from '../errors';
import type { JobInputPreparers } from '../jobs/job-inputs';
import { isJobType, type JobInput } from '../jobs/job-workflows';
import type { StartedJob } from '../jobs/start-job';
import type { DeadLetter, DeadLetterStore } from './dead-letter-store';
import { checkRedactedFieldsSupplied } from './redaction';

export type JobStarter = <T extends JobType>(
  jobType: T,
  input: JobInput<T>,
  idempotencyKey: string,
) => Promise<StartedJob>;

export interface RedriveOutcome {
  deadLetterId: string;
  jobId: string;
}

export interface BulkRedriveResult {
  redriven: RedriveOutcome[];
  failed: { deadLetterId: string; error: string }[];
}

/** Starts new runs of dead-lettered jobs, each entry at most once. */
export class Redriver {
  constructor(
    private readonly store: DeadLetterStore,
    private readonly startJob: JobStarter,
    private readonly preparers: JobInputPreparers,
  ) {}

  async redriveOne(id: string, correctedInput?: Record<string, unknown>): Promise<RedriveOutcome> {
    const entry = await this.store.get(id);
    if (!entry) throw new DeadLetterNotFound(id);
    checkRedactedFieldsSupplied(entry, correctedInput);
    if (!(await this.store.claimForRedrive(id))) {
      if (entry.status === 'redriven') throw new AlreadyRedriven(id, entry.redrivenJobId);
      throw new RedriveInProgress(id, { status: entry.status, redrivenJobId: entry.redrivenJobId });
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
      const job = await this.prepareAndStart(entry.jobType, entry, correctedInput);
      await this.store.completeRedrive(entry.id, job.jobId);
      return { deadLetterId: entry.id, jobId: job.jobId };
    } catch (error) {
      await this.store.releaseRedrive(entry.id);
      throw error;
    }
  }

  private async prepareAndStart<T extends JobType>(
    jobType: T,
    entry: DeadLetter,
    correctedInput?: Record<string, unknown>,
  ): Promise<StartedJob> {
    const prepare: JobInputPreparers[T] = this.preparers[jobType];
    const input = await prepare(entry.input, correctedInput);
    // Keyed by the entry: a redrive retried after a crash finds the job it already started.
    return this.startJob(jobType, input, `redrive:${entry.id}`);
  }
}
