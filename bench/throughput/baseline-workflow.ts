// The least a job can be on Temporal: a workflow that runs `steps` activities that do nothing, one
// after the other. Bundled by the baseline worker; deterministic workflow code only.
import { proxyActivities } from '@temporalio/workflow';

export interface BaselineActivities {
  doNothing(): Promise<void>;
}

const { doNothing } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '30 seconds' });

export async function baselineJob(steps: number): Promise<void> {
  for (let step = 0; step < steps; step += 1) await doNothing();
}
