// Workflow starts alone, against a queue that no worker polls, so that nothing but the starts
// touches the server: the project's start path (startJob, same options), and a plain start that
// carries no search attributes, memo or metadata.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { BenchServer } from './dev-servers';
import { startWelcomeEmail } from './jobs';
import { runWarmLoad, type LoadResult } from './load';
import type { ThroughputSettings } from './settings';

export const IDLE_TASK_QUEUE = 'bench-starts-without-worker';

export interface StartRates {
  startJob: LoadResult;
  plain: LoadResult;
}

async function plainStart(client: Client, index: number): Promise<void> {
  await client.workflow.start('plainWorkflow', {
    taskQueue: IDLE_TASK_QUEUE,
    workflowId: `plain-${index}-${randomUUID()}`,
  });
}

export function measureStarts(
  server: BenchServer,
  kind: keyof StartRates,
  settings: ThroughputSettings,
): Promise<LoadResult> {
  const { client } = server;
  const start =
    kind === 'startJob'
      ? (index: number) => startWelcomeEmail(client, index, IDLE_TASK_QUEUE)
      : (index: number) => plainStart(client, index);
  return runWarmLoad(settings.jobs, settings.concurrency, settings.phaseTimeoutMs, start);
}
