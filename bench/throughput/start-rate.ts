// Workflow starts alone, against a queue that no worker polls, so that nothing but the starts
// touches the server: the project's start path (startJob, same options), and a plain start that
// carries no search attributes, memo or metadata.
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
  await client.workflow.start('plainWorkflow', { taskQueue: IDLE_TASK_QUEUE, workflowId: `plain-${index}` });
}

export async function measureStarts(server: BenchServer, settings: ThroughputSettings): Promise<StartRates> {
  const { jobs, concurrency, phaseTimeoutMs } = settings;
  const { client } = server;
  return {
    startJob: await runWarmLoad(jobs, concurrency, phaseTimeoutMs, (i) =>
      startWelcomeEmail(client, i, IDLE_TASK_QUEUE),
    ),
    plain: await runWarmLoad(jobs, concurrency, phaseTimeoutMs, (i) => plainStart(client, i)),
  };
}
