// Starting the minimal worker and its jobs.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Config } from '../../src/config';
import type { Cleanups } from './cleanups';
import { hasPoller } from './project-processes';
import { spawnTsx, waitUntil, type Child } from './processes';

export const BASELINE_TASK_QUEUE = 'bench-baseline';
export const BASELINE_WORKFLOW = 'baselineJob';
const START_TIMEOUT_MS = 120_000;

export async function startBaselineWorker(
  config: Config,
  client: Client,
  cleanups: Cleanups,
): Promise<Child> {
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: config.temporalAddress,
    BENCH_TASK_QUEUE: BASELINE_TASK_QUEUE,
  };
  const child = spawnTsx('minimal worker', path.join(__dirname, 'baseline-worker.ts'), env);
  cleanups.defer(() => child.stop());
  const polled = () => hasPoller(client, BASELINE_TASK_QUEUE);
  await waitUntil(child, 'poller on the baseline queue', polled, START_TIMEOUT_MS);
  return child;
}

/** A plain start: no search attributes, memo or metadata, the least a start can carry. */
export async function startBaselineJob(client: Client, steps: number): Promise<string> {
  const handle = await client.workflow.start(BASELINE_WORKFLOW, {
    taskQueue: BASELINE_TASK_QUEUE,
    workflowId: `baseline-${steps}-${randomUUID()}`,
    args: [steps],
  });
  return handle.workflowId;
}
