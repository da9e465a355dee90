import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { SEARCH_ATTRIBUTES } from '../contracts';
import type { Logger } from '../logger';
import { ensurePrivateDirectory, tightenExisting } from '../private-files';
import { temporalBinaryPath } from './binaries';
import { SEARCH_ATTRIBUTE_TYPE_NAMES } from './search-attributes';

export function searchAttributeArgs(): string[] {
  return SEARCH_ATTRIBUTES.flatMap((key) => [
    '--search-attribute',
    `${key.name}=${SEARCH_ATTRIBUTE_TYPE_NAMES[key.type]}`,
  ]);
}

/** Where the dev server's Web UI sends encrypted payloads to be read: the API's codec endpoint. */
export function uiCodecEndpoint(config: Pick<Config, 'port'>): string {
  return `http://localhost:${config.port}/codec`;
}

function uiCodecArgs(config: Config): string[] {
  return config.payloadEncryptionKeys.length > 0 ? ['--ui-codec-endpoint', uiCodecEndpoint(config)] : [];
}

function devServerDatabase(config: Config): string {
  return path.join(config.dataDir, 'temporal.sqlite');
}

function devServerFiles(config: Config): string[] {
  const database = devServerDatabase(config);
  return [database, `${database}-wal`, `${database}-shm`, `${database}-journal`];
}

const TIGHTEN_POLL_MS = 500;

/**
 * The server creates its database with its own (umask) mode and needs to create it itself, so it
 * is made private as soon as it appears; SQLite keeps the mode from then on, and on every start.
 */
function tightenWhenCreated(config: Config): () => void {
  const files = devServerFiles(config);
  tightenExisting(files);
  const timer = setInterval(() => {
    if (!fs.existsSync(files[0]!)) return;
    tightenExisting(files);
    clearInterval(timer);
  }, TIGHTEN_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * WAL lets a commit append to the log instead of rewriting pages through a rollback journal, and
 * NORMAL syncs the log only at checkpoints, not at every commit: a crash of the server process
 * loses nothing (the log is in the OS's hands), and a power loss or OS crash may drop the last
 * commits but never corrupts the database. FULL (SQLite's default) fsyncs every commit.
 */
export const DEV_SERVER_SQLITE_PRAGMAS: readonly string[] = ['journal_mode=wal', 'synchronous=normal'];

function sqlitePragmaArgs(pragmas: readonly string[]): string[] {
  return pragmas.flatMap((pragma) => ['--sqlite-pragma', pragma]);
}

/** `pragmas`: the server's SQLite settings; other values only for measuring them against each other. */
export function devServerArgs(
  config: Config,
  pragmas: readonly string[] = DEV_SERVER_SQLITE_PRAGMAS,
): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(config.temporalPort),
    '--ui-port',
    String(config.temporalUiPort),
    '--db-filename',
    devServerDatabase(config),
    ...sqlitePragmaArgs(pragmas),
    '--namespace',
    config.temporalNamespace,
    // Warnings from the embedded server are mostly its own shutdown chatter.
    '--log-level',
    'error',
    ...searchAttributeArgs(),
    ...uiCodecArgs(config),
  ];
}

export interface RunningDevServer {
  child: ChildProcess;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 10_000;

/** Starts `temporal server start-dev` with persistence under DATA_DIR and the Web UI enabled. */
export function startDevServer(config: Config, logger: Logger): RunningDevServer {
  ensurePrivateDirectory(config.dataDir);
  const stopTightening = tightenWhenCreated(config);
  const executable = temporalBinaryPath('cli');
  const args = devServerArgs(config);
  logger.info(
    { grpc: `127.0.0.1:${config.temporalPort}`, webUi: config.temporalUiUrl },
    'starting Temporal dev server',
  );
  // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and the dev
  // server must outlive the worker, which still reports its interrupted attempts to it.
  const child = spawn(executable, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      stopTightening();
      logger.info({ code, signal }, 'Temporal dev server exited');
      resolve(code);
    });
    child.once('error', (error) => {
      logger.error({ err: error }, 'Temporal dev server failed to start');
      resolve(null);
    });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };
  return { child, exited, stop };
}
