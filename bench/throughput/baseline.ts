// Starting the minimal worker and its jobs.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import {
  JOB_STATE_SEARCH_ATTRIBUTE,
  JOB_TYPE_SEARCH_ATTRIBUTE,
  PROGRESS_MEMO_KEY,
} from '../../src/contracts';
import type { Config } from '../../src/config';
import type { Cleanups } from './cleanups';
import { hasPoller } from './project-processes';
import { spawnTsx, waitUntil, type Child } from './processes';

export const BASELINE_TASK_QUEUE = 'bench-baseline';
export const BASELINE_WORKFLOW = 'baselineJob';
export const BOOKKEEPING_WORKFLOW = 'bookkeepingJob';
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

/** Started as `startJob` starts a job: with its search attributes and progress memo. */
export async function startBookkeepingJob(client: Client, steps: number): Promise<string> {
  const handle = await client.workflow.start(BOOKKEEPING_WORKFLOW, {
    taskQueue: BASELINE_TASK_QUEUE,
    workflowId: `bookkeeping-${steps}-${randomUUID()}`,
    args: [steps],
    typedSearchAttributes: new TypedSearchAttributes([
      { key: JOB_TYPE_SEARCH_ATTRIBUTE, value: 'sendEmail' },
      { key: JOB_STATE_SEARCH_ATTRIBUTE, value: 'queued' },
    ]),
    memo: { [PROGRESS_MEMO_KEY]: { stage: 'queued', percent: 0 } },
  });
  return handle.workflowId;
}
