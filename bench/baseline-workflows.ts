// The reference jobs of bench/job-cost.ts: the least a Temporal workflow with the same number of
// steps costs. Bundled into a worker of their own; nothing here is part of the service.
import { proxyActivities } from '@temporalio/workflow';

export interface NoOpActivities {
  noOp(): Promise<void>;
}

const { noOp } = proxyActivities<NoOpActivities>({ startToCloseTimeout: '30 seconds' });

export async function oneNoOp(): Promise<void> {
  await noOp();
}

export async function twoNoOps(): Promise<void> {
  await noOp();
  await noOp();
}
