// Workflow starts alone: the project's start path against a queue that no worker polls, so
// nothing but the starts touches the server.
import type { BenchServer } from './dev-servers';
import { startWelcomeEmail } from './jobs';
import { runWarmLoad, type LoadResult } from './load';
import type { ThroughputSettings } from './settings';

export const IDLE_TASK_QUEUE = 'bench-starts-without-worker';

export function measureStarts(server: BenchServer, settings: ThroughputSettings): Promise<LoadResult> {
  return runWarmLoad(settings.jobs, settings.concurrency, settings.phaseTimeoutMs, (index) =>
    startWelcomeEmail(server.client, index, IDLE_TASK_QUEUE),
  );
}
