// An S3-compatible server for the bench: the one named by BENCH_S3_* variables, or else a versitygw
// started here on a free loopback port over a temp folder, when its binary is in the cache folder.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort as freePort } from '../src/free-port';

export interface S3Server {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** How it was found, for the bench's table. */
  description: string;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 15_000;

export function versitygwPath(): string {
  const cache = process.env.DURABLE_JOBS_CACHE || path.join(os.homedir(), '.cache', 'durable-jobs');
  return path.join(cache, 'bin', 'versitygw');
}

async function waitUntilListening(endpoint: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`versitygw exited with code ${child.exitCode}`);
    const answered = await fetch(endpoint).then(
      () => true,
      () => false,
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`versitygw did not answer on ${endpoint} within ${STARTUP_TIMEOUT_MS} ms`);
}

async function startVersitygw(binary: string): Promise<S3Server> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-bench-s3-'));
  const port = await freePort();
  const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench-secret' };
  const child = spawn(
    binary,
    [
      '--access',
      credentials.accessKeyId,
      '--secret',
      credentials.secretAccessKey,
      '--port',
      `127.0.0.1:${port}`,
      'posix',
      root,
    ],
    { stdio: 'ignore' },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    await waitUntilListening(endpoint, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, ...credentials, description: `versitygw on ${endpoint}`, stop };
}

/** The server to bench against, or undefined (with the reason) when there is none. */
export async function benchS3Server(): Promise<S3Server | string> {
  const { BENCH_S3_ENDPOINT, BENCH_S3_ACCESS_KEY, BENCH_S3_SECRET_KEY } = process.env;
  if (BENCH_S3_ENDPOINT && BENCH_S3_ACCESS_KEY && BENCH_S3_SECRET_KEY) {
    return {
      endpoint: BENCH_S3_ENDPOINT,
      accessKeyId: BENCH_S3_ACCESS_KEY,
      secretAccessKey: BENCH_S3_SECRET_KEY,
      description: BENCH_S3_ENDPOINT,
      stop: async () => undefined,
    };
  }
  const binary = versitygwPath();
  if (!fs.existsSync(binary)) return `no BENCH_S3_ENDPOINT and no versitygw at ${binary}`;
  return startVersitygw(binary);
}
