// The least a job can be on Temporal: a workflow that runs `steps` activities that do nothing, one
// after the other; and the same with what each of our jobs records besides its steps. Bundled by
// the baseline worker; deterministic workflow code only.
import { patched, proxyActivities, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';

export interface BaselineActivities {
  doNothing(): Promise<void>;
}

const { doNothing } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '30 seconds' });

export async function baselineJob(steps: number): Promise<void> {
  for (let step = 0; step < steps; step += 1) await doNothing();
}

/**
 * `baselineJob` plus a job's bookkeeping in its first task, as `runJob` records it: one patch
 * marker (with the version search attribute the SDK adds), `JobState = running` and the progress
 * memo. It tells how much of a job's cost is Temporal recording those, apart from our steps' code.
 */
export async function bookkeepingJob(steps: number): Promise<void> {
  patched('bench-bookkeeping');
  upsertSearchAttributes({ JobState: ['running'] });
  upsertMemo({ progress: { stage: 'working', percent: 50 } });
  for (let step = 0; step < steps; step += 1) await doNothing();
}
