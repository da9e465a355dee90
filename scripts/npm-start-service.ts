// `npm start` for the scripts that check the service from outside (the README check, the schema
// fuzzer): on free loopback ports with a temporary data folder, in a process group of its own so
// that stopping it reaches every part as Ctrl-C does.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort } from '../src/free-port';

const ROOT = path.join(__dirname, '..');
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RunningService {
  /** `http://127.0.0.1:PORT` */
  api: string;
  /** What `npm start` was given; commands run against it read the same ports. */
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Ctrl-C's signal, then SIGKILL after 30 s; false when anything had to be killed. */
  stop(): Promise<boolean>;
  /** Removes the data folder, or keeps it (and says where its log is) when `keep` is set. */
  cleanUp(keep: boolean): void;
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilReady(api: string, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited()) throw new Error('npm start exited before it was ready');
    const ready = await fetch(`${api}/readyz`, { signal: AbortSignal.timeout(2_000) })
      .then((response) => response.ok)
      .catch(() => false);
    if (ready) return;
    await sleep(500);
  }
  throw new Error(`npm start was not ready within ${READY_TIMEOUT_MS / 1000} s`);
}

export interface NpmStartOptions {
  /** More environment variables for `npm start`. */
  env?: NodeJS.ProcessEnv;
  /** A data folder the caller owns (e.g. to start again on the same state): never removed. */
  dataDir?: string;
}

/** Starts `npm start` and resolves once its /readyz answers 200; stops it again if it never does. */
export async function startNpmStart(name: string, options: NpmStartOptions = {}): Promise<RunningService> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `durable-jobs-${name}-`));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    HOST: '127.0.0.1',
    PORT: String(await freeLoopbackPort()),
    TEMPORAL_PORT: String(await freeLoopbackPort()),
    TEMPORAL_UI_PORT: String(await freeLoopbackPort()),
    DEV_SMTP_PORT: String(await freeLoopbackPort()),
    DATA_DIR: dataDir,
    LOG_FORMAT: 'json',
  };
  delete env.DURABLE_JOBS_API;
  delete env.TEMPORAL_ADDRESS;
  const logFile = path.join(dataDir, 'npm-start.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', log, log] });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));
  const pid = child.pid!;

  const stop = async (): Promise<boolean> => {
    if (groupAlive(pid)) process.kill(-pid, 'SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>(
      (resolve) => (timer = setTimeout(() => resolve(false), STOP_TIMEOUT_MS)),
    );
    const stopped = await Promise.race([exit.then(() => true), timedOut]);
    clearTimeout(timer);
    await sleep(1_000);
    if (stopped && !groupAlive(pid)) return true;
    process.kill(-pid, 'SIGKILL');
    return false;
  };
  const cleanUp = (keep: boolean): void => {
    fs.closeSync(log);
    if (keep) console.error(`=== npm start's log: ${logFile}`);
    else if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const api = `http://127.0.0.1:${env.PORT}`;
  try {
    await waitUntilReady(api, () => exited);
  } catch (error) {
    await stop();
    cleanUp(true);
    throw error;
  }
  return { api, env, logFile, stop, cleanUp };
}
