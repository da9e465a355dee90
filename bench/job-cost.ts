// `npx tsx bench/job-cost.ts [N]`: what one job costs Temporal, as counts that do not depend on the
// machine: history events by type, commands per workflow task, activity round trips, the server's
// requests and persistence writes, SMTP connections; for sendEmail and processUpload (a tiny file)
// beside minimal workflows with one and two no-op activities on the same server.
// `npx tsx bench/job-cost.ts --rss [N]`: the project's worker process's resident memory after N
// tiny uploads, then N e-mails (N = 1000 by default), and after it has been idle for a while.
// The worker runs with the V8 flags of `npm run worker` (JOB_COST_NODE_FLAGS=none: Node's own
// defaults) and the WORKER_* variables of this shell.
// Starts its own in-memory dev server (own process group), the worker as a child process, and the
// capture SMTP server; stops them all.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../src/config';
import { startCaptureServer } from '../src/email/capture-server';
import { freeLoopbackPort } from '../src/free-port';
import { startJob } from '../src/jobs/start-job';
import { createLogger } from '../src/logger';
import { openServices, type Services } from '../src/services';
import { temporalBinaryPath } from '../src/temporal/binaries';
import { searchAttributeArgs } from '../src/temporal/dev-server';
import { processUpload } from '../src/workflows/process-upload';
import { sendEmail } from '../src/workflows/send-email';

const RSS_MODE = process.argv.includes('--rss');
const N = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? (RSS_MODE ? 1000 : 20));
const IN_FLIGHT = 32;
const BASELINE_QUEUE = 'job-cost-baseline';
const IDLE_MS = 15_000;

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

/** Events a workflow task's commands produce (the rest are the server's own). */
const COMMAND_EVENTS = new Set<number>([
  EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
  EventType.EVENT_TYPE_MARKER_RECORDED,
  EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
  EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
  EventType.EVENT_TYPE_TIMER_STARTED,
]);

function eventName(event: HistoryEvent): string {
  return (EventType[event.eventType ?? 0] ?? 'UNKNOWN').replace(/^EVENT_TYPE_/, '');
}

/** Commands each workflow task sent, in order: [4, 3] is a first task of four, a last of three. */
function commandsPerTask(events: HistoryEvent[]): number[] {
  const tasks: number[] = [];
  for (const event of events) {
    if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) tasks.push(0);
    else if (COMMAND_EVENTS.has(event.eventType ?? 0) && tasks.length > 0) tasks[tasks.length - 1]! += 1;
  }
  return tasks;
}

/**
 * The server's Prometheus counters summed by metric and operation: requests the frontend answered
 * (what clients and workers asked for) and the persistence and visibility stores' operations.
 */
async function serverCounters(metricsPort: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const sums = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match =
      /^(service_requests|persistence_requests|visibility_persistence_requests)\{(.*)\} ([0-9.e+]+)$/.exec(
        line,
      );
    const operation = match && /operation="([^"]+)"/.exec(match[2]!)?.[1];
    if (!match || !operation) continue;
    if (match[1] === 'service_requests' && !match[2]!.includes('service_name="frontend"')) continue;
    const key = `${match[1]}:${operation}`;
    sums.set(key, (sums.get(key) ?? 0) + Number(match[3]));
  }
  return sums;
}

/** Long polls and background reads say nothing about one job. */
const IGNORED =
  /Poll|GetTasks|GetTransferTasks|GetTimerTasks|GetVisibilityTasks|GetOutboundTasks|GetNamespace|ListNamespaces|GetSystemInfo|DescribeNamespace|ClusterMetadata|GetWorkflowExecutionHistory|ReadHistoryBranch|HistoryTasks|AssertShardOwnership|UpdateShard|TaskQueue/;

/** The server's counters and visibility writes lag the jobs they count by a moment. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 3_000));

interface DevServer {
  address: string;
  metricsPort: number;
  child: ChildProcess;
}

async function startDevServer(): Promise<DevServer> {
  const [port, metricsPort, httpPort] = [
    await freeLoopbackPort(),
    await freeLoopbackPort(),
    await freeLoopbackPort(),
  ];
  const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port)];
  args.push('--http-port', String(httpPort), '--metrics-port', String(metricsPort), '--log-level', 'error');
  const child = spawn(temporalBinaryPath('cli'), [...args, ...searchAttributeArgs()], {
    stdio: 'ignore',
    detached: true,
  });
  const address = `127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return { address, metricsPort, child };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  stopGroup(child);
  throw new Error('the dev server did not start within 20 s');
}

function stopGroup(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

/** Counts the TCP connections made to the SMTP server through it. */
async function countingProxy(
  targetPort: number,
): Promise<{ port: number; connections(): number; close(): void }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    const upstream = net.connect(targetPort, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () => server.close(),
  };
}

/** The V8 flags `npm run worker` starts the worker with (package.json), unless told otherwise. */
function workerNodeFlags(): string[] {
  if (process.env.JOB_COST_NODE_FLAGS === 'none') return [];
  const scripts = JSON.parse(fs.readFileSync(path.join(__dirname, '../package.json'), 'utf8')).scripts;
  return (scripts.worker as string).split(/\s+/).filter((word) => word.startsWith('--'));
}

function startWorkerProcess(env: NodeJS.ProcessEnv): ChildProcess {
  const args = [...workerNodeFlags(), '--import', 'tsx', path.join(__dirname, '../src/worker.ts')];
  return spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
}

/** Runs `count` jobs with at most IN_FLIGHT open at once; resolves with their ids. */
async function runJobs(count: number, run: (index: number) => Promise<string>): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const lanes = Array.from({ length: Math.min(IN_FLIGHT, count) }, async () => {
    while (next < count) ids.push(await run(next++));
  });
  await Promise.all(lanes);
  return ids;
}

async function storeTinyFiles(services: Services, count: number) {
  return Promise.all(
    Array.from({ length: count }, (_, index) =>
      services.files.save(Readable.from([Buffer.from(`tiny upload ${index}\n`)]), {
        contentType: 'text/plain',
        limitBytes: 1024,
      }),
    ),
  );
}

interface Kind {
  name: string;
  run(index: number): Promise<string>;
}

function kinds(client: Client, files: Awaited<ReturnType<typeof storeTinyFiles>>): Kind[] {
  const finished = async (jobId: string) => {
    await client.workflow.getHandle(jobId).result();
    return jobId;
  };
  const baseline = (workflowType: string) => async (index: number) => {
    const handle = await client.workflow.start(workflowType, {
      taskQueue: BASELINE_QUEUE,
      workflowId: `${workflowType}-${index}-${Date.now()}`,
    });
    return finished(handle.workflowId);
  };
  return [
    { name: 'oneNoOp', run: baseline('oneNoOp') },
    { name: 'twoNoOps', run: baseline('twoNoOps') },
    {
      name: 'sendEmail',
      run: async (index) => {
        const input = {
          to: `user${index}@example.com`,
          template: 'welcome',
          params: { name: `User ${index}` },
        };
        return finished((await startJob(client, sendEmail, input)).jobId);
      },
    },
    {
      name: 'processUpload',
      run: async (index) => {
        const { fileId, sha256, size, contentType } = files[index]!;
        return finished((await startJob(client, processUpload, { fileId, sha256, size, contentType })).jobId);
      },
    },
  ];
}

async function countOne(client: Client, server: DevServer, kind: Kind, smtp: () => number) {
  await settle();
  const before = await serverCounters(server.metricsPort);
  const smtpBefore = smtp();
  const started = performance.now();
  const ids = await runJobs(N, kind.run);
  const seconds = (performance.now() - started) / 1000;
  await settle();
  const after = await serverCounters(server.metricsPort);
  const histories = await Promise.all(ids.map((id) => client.workflow.getHandle(id).fetchHistory()));
  const byType = new Map<string, number>();
  for (const history of histories) {
    for (const event of history.events ?? [])
      byType.set(eventName(event), (byType.get(eventName(event)) ?? 0) + 1);
  }
  const perJob = (total: number) => Math.round((total / N) * 100) / 100;
  const events = [...byType.values()].reduce((sum, value) => sum + value, 0);
  // A rate from one short run on a shared machine: a hint, not a measurement (npm run bench is).
  console.log(
    `\n${kind.name}: ${perJob(events)} history events per job (${(N / seconds).toFixed(1)} jobs/s)`,
  );
  console.log(`  commands per workflow task: ${JSON.stringify(commandsPerTask(histories[0]!.events ?? []))}`);
  for (const [type, count] of [...byType].sort()) console.log(`  ${type.padEnd(38)} ${perJob(count)}`);
  const keys = [...after.keys()].filter((key) => !IGNORED.test(key)).sort();
  for (const key of keys) {
    const delta = (after.get(key) ?? 0) - (before.get(key) ?? 0);
    if (delta / N >= 0.05) console.log(`  ${key.padEnd(60)} ${perJob(delta)}`);
  }
  if (kind.name === 'sendEmail')
    console.log(`  SMTP connections per message: ${perJob(smtp() - smtpBefore)}`);
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-cost-'));
  const server = await startDevServer();
  const logger = createLogger('job-cost', 'warn');
  const capture = await startCaptureServer({
    directory: path.join(dataDir, 'mail'),
    port: await freeLoopbackPort(),
    host: '127.0.0.1',
    logger,
  });
  const proxy = await countingProxy(capture.port);
  const env = {
    DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: server.address,
    SMTP_URL: `smtp://127.0.0.1:${proxy.port}`,
    LOG_LEVEL: 'warn',
    RETENTION_SWEEP_INTERVAL: '24h',
  };
  const services = await openServices(loadConfig({ ...env, WORKER_METRICS_ADDRESS: '' }));
  const worker = startWorkerProcess(env);
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  let baselineWorker: Worker | undefined;
  let baselineRun: Promise<void> | undefined;
  try {
    const files = await storeTinyFiles(services, N + 1);
    const all = kinds(client, files);
    if (RSS_MODE) {
      const pid = worker.pid!;
      console.log(
        `worker pid ${pid}, node ${workerNodeFlags().join(' ') || 'defaults'}, ${workerSettings()}`,
      );
      await all.find(({ name }) => name === 'sendEmail')!.run(N);
      console.log(`after its first job: worker RSS ${rssMiB(pid)} MiB`);
      for (const kind of all
        .filter(({ name }) => name === 'processUpload' || name === 'sendEmail')
        .reverse()) {
        const started = performance.now();
        const quarter = Math.ceil(N / 4);
        for (let done = 0; done < N; done += quarter) {
          const count = Math.min(quarter, N - done);
          await runJobs(count, (index) => kind.run(done + index));
          if (done + count < N)
            console.log(`  ${kind.name}: ${done + count} jobs, worker RSS ${rssMiB(pid)} MiB`);
        }
        const seconds = (performance.now() - started) / 1000;
        console.log(
          `${kind.name}: ${N} jobs in ${seconds.toFixed(1)} s (${(N / seconds).toFixed(1)}/s), worker RSS ${rssMiB(pid)} MiB`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      console.log(`after ${IDLE_MS / 1000} s idle: worker RSS ${rssMiB(pid)} MiB`);
      return;
    }
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const native = await NativeConnection.connect({ address: server.address });
    baselineWorker = await Worker.create({
      connection: native,
      taskQueue: BASELINE_QUEUE,
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: require.resolve('./baseline-workflows'),
        logger: new DefaultLogger('WARN'),
      }),
      activities: { noOp: async () => undefined },
    });
    baselineRun = baselineWorker.run().finally(() => native.close());
    console.log(`${N} jobs of each kind, ${IN_FLIGHT} in flight; counts per job`);
    for (const kind of all) await countOne(client, server, kind, proxy.connections);
  } finally {
    baselineWorker?.shutdown();
    await baselineRun;
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.once('exit', resolve));
    await connection.close();
    await services.close();
    proxy.close();
    await capture.stop();
    stopGroup(server.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function workerSettings(): string {
  const set = Object.entries(process.env).filter(([name]) => /^(WORKER_|SMTP_MAX|NODE_OPTIONS)/.test(name));
  return set.length === 0 ? 'defaults' : set.map(([name, value]) => `${name}=${value}`).join(' ');
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
