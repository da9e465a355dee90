// The minimal worker: the baseline workflow and its no-op activity on their own task queue, with
// the SDK's defaults. Run as a child process by the throughput bench (TEMPORAL_ADDRESS, BENCH_TASK_QUEUE).
import { NativeConnection, Worker } from '@temporalio/worker';
import type { BaselineActivities } from './baseline-workflow';

const activities: BaselineActivities = { doNothing: async () => undefined };

async function main(): Promise<void> {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.BENCH_TASK_QUEUE!,
    workflowsPath: require.resolve('./baseline-workflow'),
    activities,
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => worker.shutdown());
  await worker.run();
  await connection.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
