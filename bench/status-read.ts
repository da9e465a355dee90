// `npx tsx bench/status-read.ts`: what one job status read costs in gRPC calls and response bytes,
// for a running upload job whose history was made long (signals it ignores; each adds events), and
// for the same job once closed. "before" makes the calls the status read made until it stopped
// reading the history of running jobs (describe, the whole history, the progress query).
import { Client, Connection } from '@temporalio/client';
import { progressQuery } from '../src/contracts';
import { getJobStatus } from '../src/jobs/job-status';
import { GrpcMeter, type Metered } from '../test/helpers/grpc-meter';
import { HeldAnalysis } from '../test/helpers/held-analysis';
import { JobsHarness } from '../test/helpers/jobs-harness';
import { createLocalEnv } from '../test/helpers/temporal-env';

const SIGNALS = Number(process.env.STATUS_BENCH_SIGNALS ?? 1000);

async function previousRead(client: Client, jobId: string): Promise<void> {
  const description = await client.workflow.getHandle(jobId).describe();
  await client.workflow.getHandle(jobId, description.runId).fetchHistory();
  if (description.status.name === 'RUNNING') await client.workflow.getHandle(jobId).query(progressQuery);
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let poll = 0; poll < 600 && !(await check()); poll += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<void> {
  const held = new HeldAnalysis();
  const harness = await JobsHarness.start({ createEnv: createLocalEnv, wrapActivities: held.wrap });
  const meter = new GrpcMeter();
  const connection = await Connection.connect({
    address: harness.env.address,
    interceptors: [meter.interceptor],
  });
  const client = new Client({ connection });
  const options = { webUiBaseUrl: 'http://127.0.0.1:8233' };
  try {
    const { fileId } = await harness.uploadFile('a job with a long history', 'text/plain');
    held.fileId = fileId;
    const jobId = await harness.startProcessing({ fileId });
    const handle = client.workflow.getHandle(jobId);
    await until(async () => ((await handle.describe()).raw.pendingActivities?.length ?? 0) > 0);
    for (let sent = 0; sent < SIGNALS; sent += 50) {
      await Promise.all(Array.from({ length: 50 }, () => handle.signal('grow')));
    }
    const { historyLength, historySize } = await handle.describe();
    const rows: Array<[string, string, Metered]> = [];
    const running = await getJobStatus(client, jobId, options);
    rows.push(['running', 'before', await meter.measure(() => previousRead(client, jobId))]);
    rows.push(['running', 'after', await meter.measure(() => getJobStatus(client, jobId, options))]);
    held.release();
    await harness.waitForJob(jobId);
    rows.push(['closed', 'before', await meter.measure(() => previousRead(client, jobId))]);
    rows.push(['closed', 'after', await meter.measure(() => getJobStatus(client, jobId, options))]);

    console.log(`job ${jobId}: ${historyLength} events, ${historySize} bytes of history`);
    console.log(`running status read: state ${running?.state}, progress ${running?.progress}`);
    for (const [state, version, { calls, bytes }] of rows) {
      console.log(
        `${state.padEnd(8)} ${version.padEnd(7)} ${String(calls.length).padStart(2)} calls ${String(bytes).padStart(9)} bytes  ${calls.join(', ')}`,
      );
    }
  } finally {
    await connection.close();
    await harness.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
