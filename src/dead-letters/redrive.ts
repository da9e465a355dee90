import type { Caller } from '../auth/caller';
import { isJobType, type JobType } from '../contracts';
import { AlreadyRedriven, DeadLetterNotFound, InvalidInput, RedriveInProgress } from '../errors';
import type { JobInputPreparers } from '../jobs/job-inputs';
import { CORRECTABLE_FIELDS } from '../jobs/job-requests';
import type { JobInput } from '../jobs/job-workflows';
import type { StartedJob } from '../jobs/start-job';
import type { DeadLetter, DeadLetterStore, InputChange } from './dead-letter-store';
import { checkRedactedFieldsSupplied, redactedFields } from './redaction';

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

export interface RedriverOptions {
  /** The origin of APP_URL; a redriven e-mail's links must still lead there. */
  appOrigin: string;
}

type Corrections = Record<string, unknown>;

/**
 * Refuses, by name, the first correction of a field the job type does not declare correctable.
 * Fields that redaction removed must be supplied again, so they may be given whatever the type says.
 */
export function checkCorrectable(entry: DeadLetter, corrected: Corrections): void {
  if (!isJobType(entry.jobType)) return;
  const allowed = [...CORRECTABLE_FIELDS[entry.jobType](entry.input), ...redactedFields(entry)];
  const refused = Object.keys(corrected).find((field) => !allowed.includes(field));
  if (refused === undefined) return;
  const which =
    allowed.length > 0 ? `only ${allowed.join(', ')} may be corrected` : 'nothing may be corrected';
  throw new InvalidInput(`Invalid input: '${refused}' may not be changed by a redrive; ${which}`, {
    field: `input.${refused}`,
    location: 'body',
  });
}

/** The corrections that change something, with the stored value before; `null` after removes it. */
export function inputChanges(stored: unknown, corrected: Corrections): InputChange[] {
  const before = stored !== null && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
  return Object.entries(corrected)
    .map(([field, after]) => ({ field, before: before[field] ?? null, after: after ?? null }))
    .filter((change) => JSON.stringify(change.before) !== JSON.stringify(change.after));
}

/** Starts new runs of dead-lettered jobs, each entry at most once, recording who did it. */
export class Redriver {
  constructor(
    private readonly store: DeadLetterStore,
    private readonly startJob: JobStarter,
    private readonly preparers: JobInputPreparers,
    private readonly options: RedriverOptions,
  ) {}

  async redriveOne(id: string, caller: Caller, correctedInput: Corrections = {}): Promise<RedriveOutcome> {
    const entry = await this.store.get(id);
    if (!entry) throw new DeadLetterNotFound(id);
    checkCorrectable(entry, correctedInput);
    checkRedactedFieldsSupplied(entry, correctedInput);
    if (!(await this.store.claimForRedrive(id))) {
      if (entry.status === 'redriven') throw new AlreadyRedriven(id, entry.redrivenJobId);
      throw new RedriveInProgress(id, { status: entry.status, redrivenJobId: entry.redrivenJobId });
    }
    return this.start(entry, caller, correctedInput);
  }

  /** Bounded by `limit`; entries are claimed first, so overlapping bulk redrives never share one. */
  async redriveMany(filter: { jobType?: string; limit: number }, caller: Caller): Promise<BulkRedriveResult> {
    const claimed = await this.store.claimBatchForRedrive(filter);
    const result: BulkRedriveResult = { redriven: [], failed: [] };
    for (const entry of claimed) {
      try {
        result.redriven.push(await this.start(entry, caller, {}));
      } catch (error) {
        result.failed.push({ deadLetterId: entry.id, error: (error as Error).message });
      }
    }
    return result;
  }

  private async start(
    entry: DeadLetter,
    caller: Caller,
    correctedInput: Corrections,
  ): Promise<RedriveOutcome> {
    try {
      if (!isJobType(entry.jobType)) throw new Error(`Unknown job type ${entry.jobType}`);
      const job = await this.prepareAndStart(entry.jobType, entry, caller, correctedInput);
      await this.store.completeRedrive(entry.id, job.jobId, {
        by: caller.name,
        changes: inputChanges(entry.input, correctedInput),
      });
      return { deadLetterId: entry.id, jobId: job.jobId };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.store.releaseRedrive(entry.id, { by: caller.name, error: message });
      throw error;
    }
  }

  private async prepareAndStart<T extends JobType>(
    jobType: T,
    entry: DeadLetter,
    caller: Caller,
    correctedInput: Corrections,
  ): Promise<StartedJob> {
    const prepare: JobInputPreparers[T] = this.preparers[jobType];
    const input = await prepare(entry.input, correctedInput, { caller, appOrigin: this.options.appOrigin });
    // Keyed by the entry: a redrive retried after a crash finds the job it already started.
    return this.startJob(jobType, input, `redrive:${entry.id}`);
  }
}
