// Temporal dev servers of the project's binary, with `npm start`'s arguments, on free loopback ports
// in a temporary DATA_DIR; only their storage differs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { loadConfig, type Config } from '../../src/config';
import { freeLoopbackPort } from '../../src/free-port';
import { temporalBinaryPath } from '../../src/temporal/binaries';
import { checkTemporalReadiness, createTemporalClient } from '../../src/temporal/client';
import { DEV_SERVER_SQLITE_PRAGMAS, devServerArgs } from '../../src/temporal/dev-server';
import { onAbnormalExit, type Cleanups } from './cleanups';
import { spawnChild, waitUntil, type Child } from './processes';

export type ServerStorage = { kind: 'memory' } | { kind: 'file'; pragmas: readonly string[] };

export const NPM_START_STORAGE: ServerStorage = { kind: 'file', pragmas: DEV_SERVER_SQLITE_PRAGMAS };
export const IN_MEMORY: ServerStorage = { kind: 'memory' };

export function describeStorage(storage: ServerStorage): string {
  if (storage.kind === 'memory') return 'in-memory';
  return storage.pragmas.length === 0
    ? 'SQLite file, no pragmas'
    : `SQLite file, ${storage.pragmas.join(' ')}`;
}

/** A short name for JSON lines: `memory`, `file`, `file-wal-normal`… */
export function storageId(storage: ServerStorage): string {
  if (storage.kind === 'memory') return 'memory';
  const values = storage.pragmas.map((pragma) => pragma.split('=')[1]);
  return ['file', ...values].join('-');
}

export interface BenchServer {
  /** The configuration `npm start` would have in this server's DATA_DIR (API port included). */
  config: Config;
  client: Client;
  child: Child;
}

const READY_TIMEOUT_MS = 60_000;

/** The arguments without the options that take the next argument as their value. */
function withoutOptions(args: string[], options: string[]): string[] {
  return args.filter((arg, index) => !options.includes(arg) && !options.includes(args[index - 1] ?? ''));
}

function serverArgs(config: Config, storage: ServerStorage): string[] {
  if (storage.kind === 'file') return devServerArgs(config, storage.pragmas);
  return withoutOptions(devServerArgs(config), ['--db-filename', '--sqlite-pragma']);
}

async function benchConfig(cleanups: Cleanups): Promise<Config> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-bench-'));
  const remove = () => fs.rmSync(dataDir, { recursive: true, force: true });
  const forget = onAbnormalExit(remove);
  cleanups.defer(() => {
    remove();
    forget();
  });
  const temporalPort = await freeLoopbackPort();
  return loadConfig({
    DATA_DIR: dataDir,
    TEMPORAL_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(await freeLoopbackPort()),
    PORT: String(await freeLoopbackPort()),
  });
}

/** A running dev server and a client of it; `cleanups` stops it and removes its DATA_DIR. */
export async function startBenchServer(storage: ServerStorage, cleanups: Cleanups): Promise<BenchServer> {
  const config = await benchConfig(cleanups);
  const child = spawnChild('temporal dev server', temporalBinaryPath('cli'), serverArgs(config, storage), {
    ...process.env,
  });
  cleanups.defer(() => child.stop());
  const client = createTemporalClient(config);
  cleanups.defer(() => client.connection.close());
  const ready = async () => (await checkTemporalReadiness(client)).ready;
  await waitUntil(child, 'answer from Temporal', ready, READY_TIMEOUT_MS);
  return { config, client, child };
}
