import os from 'node:os';
import path from 'node:path';
import { binaryPaths } from '../temporal-paths';

/** Where scripts/multi-host/install.sh puts what it builds (outside the clone). */
export const cacheDir = process.env.DURABLE_JOBS_CACHE || path.join(os.homedir(), '.cache', 'durable-jobs');

const binDir = path.join(cacheDir, 'bin');
const temporalVersion = 'v1.32.2';
const postgresBinDir = '/usr/lib/postgresql/15/bin';

export const binaries = {
  temporalServer: path.join(binDir, 'temporal-server'),
  temporalSqlTool: path.join(binDir, 'temporal-sql-tool'),
  versitygw: path.join(binDir, 'versitygw'),
  temporalCli: binaryPaths.cli,
  initdb: path.join(postgresBinDir, 'initdb'),
  postgres: path.join(postgresBinDir, 'postgres'),
};

/** Versioned SQL files of the Temporal server module, copied there by install.sh. */
export const temporalSchemaDir = (database: 'temporal' | 'visibility'): string =>
  path.join(cacheDir, 'temporal-schema', temporalVersion, 'postgresql', 'v12', database, 'versioned');
