// The HTTP servers side by side (HTTP_SERVER=fastify and =spikard): requests/s and p99 latency of
// GET /healthz, GET /jobs/:jobId and POST /emails under 32 connections for a few seconds each, and
// each API process's memory. Each API runs as its own process, one after the other, on a free
// loopback port, in open mode, against one in-memory Temporal dev server. Jobs started by the
// bench are not run (no worker): the answers measured do not wait for them.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import type { HttpServerKind } from '../src/config';
import { freeLoopbackPort } from '../src/free-port';
import { createLocalEnv } from '../test/helpers/temporal-env';

const ROOT = path.resolve(__dirname, '..');
const CONNECTIONS = 32;
const DURATION_MS = Number(process.env.BENCH_HTTP_DURATION_MS ?? 3_000);
const WARMUP_MS = 500;
const EMAIL = JSON.stringify({ to: 'bench@example.com', template: 'welcome', params: { name: 'Bench' } });

export interface HttpAdapterRow {
  adapter: HttpServerKind;
  route: string;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers other than the expected status. */
  errors: number;
  /** The API process's resident memory after the run, and its peak. */
  rssMiB: number;
  peakRssMiB: number;
}

interface Target {
  route: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  expected: number;
}

interface RunningApi {
  baseUrl: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function waitForHealth(baseUrl: string, child: ChildProcess, log: () => string): Promise<void> {
  const pool = new Pool(baseUrl, { connections: 1 });
  try {
    for (let attempt = 0; attempt < 300; attempt += 1) {
      if (child.exitCode !== null) throw new Error(`the API exited (${child.exitCode}):\n${log()}`);
      const up = await pool
        .request({ method: 'GET', path: '/healthz' })
        .then(async (response) => (await response.body.text(), response.statusCode === 200))
        .catch(() => false);
      if (up) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the API did not answer on ${baseUrl}:\n${log()}`);
  } finally {
    await pool.close();
  }
}

async function startApi(
  adapter: HttpServerKind,
  temporalAddress: string,
  dataDir: string,
): Promise<RunningApi> {
  const port = await freeLoopbackPort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // node itself, not npm: the process whose memory is read is the API's.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/api/server.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      HTTP_SERVER: adapter,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: path.join(dataDir, adapter),
      TEMPORAL_ADDRESS: temporalAddress,
      LOG_LEVEL: 'warn',
    },
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForHealth(baseUrl, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, child, stop };
}

function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return kib / 1024;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

/** CONNECTIONS clients, each sending its next request when the last is answered, until the time is up. */
async function load(pool: Pool, target: Target, durationMs: number) {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + durationMs;
  const client = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        const response = await pool.request({
          method: target.method,
          path: target.path,
          body: target.body,
          headers: target.body ? { 'content-type': 'application/json' } : {},
        });
        await response.body.dump();
        if (response.statusCode !== target.expected) errors += 1;
      } catch {
        errors += 1;
      }
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, client));
  const seconds = (performance.now() - started) / 1000;
  return { latencies: latencies.sort((a, b) => a - b), errors, seconds };
}

async function startedJob(pool: Pool): Promise<string> {
  const response = await pool.request({
    method: 'POST',
    path: '/emails',
    body: EMAIL,
    headers: { 'content-type': 'application/json' },
  });
  const body = (await response.body.json()) as { jobId?: string };
  if (response.statusCode !== 202 || !body.jobId)
    throw new Error(`POST /emails answered ${response.statusCode}`);
  return body.jobId;
}

async function benchAdapter(adapter: HttpServerKind, temporalAddress: string, dataDir: string) {
  const api = await startApi(adapter, temporalAddress, dataDir);
  const pool = new Pool(api.baseUrl, { connections: CONNECTIONS });
  try {
    const jobId = await startedJob(pool);
    const targets: Target[] = [
      { route: 'GET /healthz', method: 'GET', path: '/healthz', expected: 200 },
      { route: 'GET /jobs/:jobId', method: 'GET', path: `/jobs/${jobId}`, expected: 200 },
      { route: 'POST /emails', method: 'POST', path: '/emails', body: EMAIL, expected: 202 },
    ];
    const rows: HttpAdapterRow[] = [];
    for (const target of targets) {
      await load(pool, target, WARMUP_MS);
      const { latencies, errors, seconds } = await load(pool, target, DURATION_MS);
      rows.push({
        adapter,
        route: target.route,
        requests: latencies.length,
        requestsPerSecond: Math.round(latencies.length / seconds),
        p50Ms: Number(percentile(latencies, 0.5).toFixed(2)),
        p99Ms: Number(percentile(latencies, 0.99).toFixed(2)),
        errors,
        rssMiB: Math.round(rssMiB(api.child.pid!, 'VmRSS')),
        peakRssMiB: Math.round(rssMiB(api.child.pid!, 'VmHWM')),
      });
    }
    return rows;
  } finally {
    await pool.close();
    await api.stop();
  }
}

/** Both servers, one after the other; prints a table and one JSON line per figure, returns the rows. */
export async function benchHttpAdapters(
  adapters: readonly HttpServerKind[] = ['fastify', 'spikard'],
): Promise<HttpAdapterRow[]> {
  const env = await createLocalEnv();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-bench-http-'));
  const rows: HttpAdapterRow[] = [];
  try {
    for (const adapter of adapters) rows.push(...(await benchAdapter(adapter, env.address, dataDir)));
  } finally {
    await env.teardown();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(
    `\nHTTP servers: ${CONNECTIONS} connections, ${DURATION_MS / 1000} s per route, ` +
      `${os.cpus().length} cores shared with the load generator and Temporal`,
  );
  console.table(rows);
  for (const row of rows) {
    for (const metric of ['requestsPerSecond', 'p99Ms', 'rssMiB'] as const) {
      const figure = {
        bench: 'http-adapters',
        adapter: row.adapter,
        route: row.route,
        metric,
        value: row[metric],
      };
      console.log(JSON.stringify(figure));
    }
  }
  return rows;
}

if (require.main === module) {
  benchHttpAdapters().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
