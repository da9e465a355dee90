import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { binaries } from './paths';
import { ManagedProcess, runToCompletion } from './processes';

export interface PostgresServer {
  port: number;
  /** Superuser URL (trust authentication on loopback). */
  url: string;
  process: ManagedProcess;
  logFile: string;
}

interface PostgresOptions {
  dir: string;
  port: number;
  track: (process: ManagedProcess) => void;
}

/** PostgreSQL refuses to run as root: when we are root, it runs as the `postgres` user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

// Every Temporal service keeps its own pools (up to ~120 connections per node under load), and
// the tests open their own. The data is thrown away afterwards, so durability is traded for speed.
const SERVER_SETTINGS = [
  'listen_addresses=127.0.0.1',
  'max_connections=300',
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
];

export async function startPostgres({ dir, port, track }: PostgresOptions): Promise<PostgresServer> {
  const dataDir = path.join(dir, 'postgres');
  const logFile = path.join(dir, 'postgres.log');
  const user = serverUser();
  fs.mkdirSync(dataDir, { mode: 0o700 });
  if (user) fs.chownSync(dataDir, user.uid, user.gid);
  const env = { PATH: process.env.PATH, LC_ALL: 'C' };
  await runToCompletion(
    {
      name: 'initdb',
      command: binaries.initdb,
      args: ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'],
      logFile,
      env,
      user,
    },
    60_000,
    track,
  );
  const settings = SERVER_SETTINGS.flatMap((setting) => ['-c', setting]);
  const server = ManagedProcess.start({
    name: 'postgres',
    command: binaries.postgres,
    args: ['-D', dataDir, '-p', String(port), '-k', dataDir, ...settings],
    logFile,
    env,
    user,
  });
  track(server);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await server.waitUntil('PostgreSQL start', () => answers(url), 60_000);
  return { port, url, process: server, logFile };
}
