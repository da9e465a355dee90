// Jobs per second from the first start until the last job has closed, the worker running all along.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { runLoad } from './load';
import type { ThroughputSettings } from './settings';

export interface EndToEndResult {
  completed: number;
  /** Closed otherwise (failed, timed out, terminated) or never started. */
  notCompleted: number;
  elapsedMs: number;
  jobsPerSecond: number;
  timedOut: boolean;
  /** The ids of the jobs started, in the order they were started. */
  jobIds: string[];
}

const POLL_MS = 250;

/** Several runs of the same kind as one: their jobs and their time added up. */
export function combinedRuns(runs: EndToEndResult[]): EndToEndResult {
  const sum = (value: (run: EndToEndResult) => number) => runs.reduce((total, run) => total + value(run), 0);
  const completed = sum((run) => run.completed);
  const elapsedMs = sum((run) => run.elapsedMs);
  return {
    completed,
    notCompleted: sum((run) => run.notCompleted),
    elapsedMs,
    jobsPerSecond: completed / (elapsedMs / 1000),
    timedOut: runs.some((run) => run.timedOut),
    jobIds: runs.flatMap((run) => run.jobIds),
  };
}

async function countOf(client: Client, workflowType: string, status: string): Promise<number> {
  const { count } = await client.workflow.count(`WorkflowType = "${workflowType}" AND ${status}`);
  return count;
}

const CLOSED = 'ExecutionStatus != "Running"';
const COMPLETED = 'ExecutionStatus = "Completed"';

/** Starts `settings.jobs` jobs of `workflowType`, `settings.concurrency` at a time, and waits for all to close. */
export async function measureEndToEnd(
  client: Client,
  workflowType: string,
  settings: ThroughputSettings,
  start: (index: number) => Promise<string>,
): Promise<EndToEndResult> {
  const closedBefore = await countOf(client, workflowType, CLOSED);
  const completedBefore = await countOf(client, workflowType, COMPLETED);
  const startedAt = performance.now();
  const deadline = startedAt + settings.phaseTimeoutMs;
  const jobIds: string[] = [];
  const record = async (index: number) => jobIds.push(await start(index));
  const starts = await runLoad(settings.jobs, settings.concurrency, settings.phaseTimeoutMs, record);
  let closed = 0;
  while (performance.now() < deadline) {
    closed = (await countOf(client, workflowType, CLOSED)) - closedBefore;
    if (closed >= starts.latenciesMs.length) break;
    await sleep(POLL_MS);
  }
  const elapsedMs = performance.now() - startedAt;
  const completed = (await countOf(client, workflowType, COMPLETED)) - completedBefore;
  return {
    completed,
    notCompleted: settings.jobs - completed,
    elapsedMs,
    jobsPerSecond: completed / (elapsedMs / 1000),
    timedOut: closed < starts.latenciesMs.length,
    jobIds,
  };
}
