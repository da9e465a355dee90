// `npm run test:fuzz`: schema fuzzing of the live API. Starts the service as `npm start` does, on
// free loopback ports with a temporary data folder, points schemathesis (pinned, installed in a
// virtual environment under the git-ignored .fuzz/) at its GET /openapi.json, and fails when any
// operation answers a 5xx, a status it does not document, or a body that breaks its own schema.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..');
const SCHEMATHESIS_VERSION = '4.32.5';
const VENV = path.join(ROOT, '.fuzz', 'venv');
const ST = path.join(VENV, 'bin', 'st');
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;
/** Bounds of one run: examples per operation, and the whole run's time budget. */
const MAX_EXAMPLES = Number(process.env.FUZZ_MAX_EXAMPLES ?? 20);
const MAX_TIME_SECONDS = Number(process.env.FUZZ_MAX_TIME_SECONDS ?? 300);
const CHECKS = ['not_a_server_error', 'status_code_conformance', 'response_schema_conformance'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function installSchemathesis(): void {
  const installed = spawnSync(ST, ['--version'], { encoding: 'utf8' });
  if (installed.status === 0 && installed.stdout.includes(SCHEMATHESIS_VERSION)) return;
  console.log(`=== installing schemathesis ${SCHEMATHESIS_VERSION} into ${path.relative(ROOT, VENV)}`);
  const steps = [
    ['python3', ['-m', 'venv', VENV]],
    [path.join(VENV, 'bin', 'pip'), ['install', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`]],
  ] as const;
  for (const [command, args] of steps) {
    const result = spawnSync(command, args, { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
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

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function runSchemathesis(api: string, reportDir: string): number {
  const args = [
    'run',
    `${api}/openapi.json`,
    '--checks',
    CHECKS.join(','),
    '--max-examples',
    String(MAX_EXAMPLES),
    '--max-time',
    String(MAX_TIME_SECONDS),
    '--request-timeout',
    '15',
    '--workers',
    '2',
    '--seed',
    '1',
    '--no-color',
    '--report',
    'junit',
    '--report-dir',
    reportDir,
  ];
  console.log(`=== st ${args.join(' ')}`);
  // Run inside .fuzz/, where schemathesis keeps its cache.
  const result = spawnSync(ST, args, {
    cwd: path.dirname(VENV),
    stdio: 'inherit',
    timeout: (MAX_TIME_SECONDS + 120) * 1000,
  });
  return result.status ?? 1;
}

async function main(): Promise<number> {
  installSchemathesis();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-fuzz-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    DEV_SMTP_PORT: String(await freePort()),
    DATA_DIR: dataDir,
    LOG_FORMAT: 'json',
  };
  delete env.TEMPORAL_ADDRESS;
  const api = `http://127.0.0.1:${env.PORT}`;
  const logFile = path.join(dataDir, 'npm-start.log');
  const log = fs.openSync(logFile, 'a');
  // Its own process group, so that the stop below reaches every part as Ctrl-C does.
  const service = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', log, log] });
  let exited = false;
  const exit = new Promise<void>((resolve) => service.on('exit', () => ((exited = true), resolve())));
  let status = 1;
  const started = Date.now();
  try {
    await waitUntilReady(api, () => exited);
    status = runSchemathesis(api, path.join(ROOT, 'test-artifacts', 'fuzz'));
    console.log(
      `=== schemathesis finished in ${Math.round((Date.now() - started) / 1000)} s, exit ${status}`,
    );
  } finally {
    if (service.pid && groupAlive(service.pid)) process.kill(-service.pid, 'SIGINT');
    const stopped = await Promise.race([exit.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
    if (!stopped && service.pid) process.kill(-service.pid, 'SIGKILL');
    fs.closeSync(log);
    if (status !== 0) console.error(`=== npm start's log: ${logFile}`);
    else fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return status;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
