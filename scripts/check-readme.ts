// `npm run check:readme`: runs every `sh` block of the README, in order, as a reader would,
// against a fresh `npm start` on free loopback ports with a temporary data folder, then stops it
// with Ctrl-C's signal and checks that nothing is left running. Any failing command fails the run.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort as freePort } from '../src/free-port';
import { readmeBlocks } from './readme-blocks';

const ROOT = path.join(__dirname, '..');
const READY_TIMEOUT_MS = 180_000;
const BLOCK_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const blocks = readmeBlocks().filter((block) => block.language === 'sh');
  if (blocks.length === 0) throw new Error('the README has no sh block to run');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-readme-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    DEV_SMTP_PORT: String(await freePort()),
    DATA_DIR: dataDir,
    LOG_FORMAT: 'json',
  };
  delete env.DURABLE_JOBS_API;
  delete env.TEMPORAL_ADDRESS;
  const logFile = path.join(dataDir, 'npm-start.log');
  const log = fs.openSync(logFile, 'a');
  // Its own process group, so that the stop below reaches every part as Ctrl-C does.
  const service = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', log, log] });
  let exited = false;
  const exit = new Promise<void>((resolve) => service.on('exit', () => ((exited = true), resolve())));
  let failures = 0;
  try {
    await waitUntilReady(`http://127.0.0.1:${env.PORT}`, () => exited);
    for (const [index, block] of blocks.entries()) {
      console.log(
        `\n=== README block ${index + 1}/${blocks.length} (section "${block.section}")\n${block.code}---`,
      );
      const result = spawnSync('bash', ['-euo', 'pipefail', '-c', block.code], {
        cwd: ROOT,
        env,
        stdio: 'inherit',
        timeout: BLOCK_TIMEOUT_MS,
      });
      if (result.status !== 0) {
        failures += 1;
        console.error(`=== block ${index + 1} FAILED (exit ${result.status ?? result.signal})`);
      }
    }
  } finally {
    if (service.pid && groupAlive(service.pid)) process.kill(-service.pid, 'SIGINT');
    const stopped = await Promise.race([exit.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
    await sleep(1_000);
    if (!stopped || (service.pid && groupAlive(service.pid))) {
      failures += 1;
      console.error(
        `=== npm start left processes running ${STOP_TIMEOUT_MS / 1000} s after Ctrl-C; killing them`,
      );
      if (service.pid) process.kill(-service.pid, 'SIGKILL');
    }
    fs.closeSync(log);
    if (failures > 0) console.error(`=== npm start's log: ${logFile}`);
    else fs.rmSync(dataDir, { recursive: true, force: true });
    // The walk-through's sample file, should a failing block have left it.
    fs.rmSync(path.join(ROOT, 'report.txt'), { force: true });
  }
  console.log(
    `\n=== README: ${blocks.length - failures}/${blocks.length} blocks ran, ${failures} failure(s)`,
  );
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
