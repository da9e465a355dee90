import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { ensurePrivateDirectory, ensurePrivateFile, tightenExisting } from '../private-files';
import { MIGRATIONS } from './migrations';
import type { SqlClient, SqlExecutor, SqlValue } from './sql-client';

function all<Row>(db: BetterSqlite3.Database, sql: string, params: SqlValue[]): Row[] {
  const statement = db.prepare(sql);
  if (statement.reader) return statement.all(...params) as Row[];
  statement.run(...params);
  return [];
}

function changes(db: BetterSqlite3.Database, sql: string, params: SqlValue[]): number {
  const statement = db.prepare(sql);
  return statement.reader ? statement.all(...params).length : statement.run(...params).changes;
}

// How long a writer waits for another connection's write transaction before giving up.
const BUSY_WAIT_MS = 5_000;

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Retries a write the database refused because another connection holds the write lock. Waiting
 * asynchronously, not in SQLite's busy handler, lets a connection of this same process (API and
 * worker share one process under `npm start`) finish the transaction it holds across awaits.
 */
async function retryWhileBusy<T>(work: () => T): Promise<T> {
  const deadline = Date.now() + BUSY_WAIT_MS;
  for (let pauseMs = 1; ; pauseMs = Math.min(pauseMs * 2, 50)) {
    try {
      return work();
    } catch (error) {
      if (!isBusy(error) || Date.now() > deadline) throw error;
      await sleep(pauseMs);
    }
  }
}

/**
 * SQLite through one synchronous connection. API and worker processes may share the file: WAL
 * lets them read while another writes, and writers wait their turn.
 */
export class SqliteClient implements SqlClient {
  readonly backend = 'sqlite';
  readonly skipLockedRows = '';
  // An async transaction keeps the connection between its statements: everything else waits.
  private tail: Promise<void> = Promise.resolve();
  private readonly executor: SqlExecutor = {
    query: async <Row>(sql: string, params: SqlValue[] = []) => all<Row>(this.db, sql, params),
    execute: async (sql: string, params: SqlValue[] = []) => changes(this.db, sql, params),
  };

  constructor(private readonly db: BetterSqlite3.Database) {}

  query<Row>(sql: string, params: SqlValue[] = []): Promise<Row[]> {
    return this.exclusive(() => retryWhileBusy(() => all<Row>(this.db, sql, params)));
  }

  execute(sql: string, params: SqlValue[] = []): Promise<number> {
    return this.exclusive(() => retryWhileBusy(() => changes(this.db, sql, params)));
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      // IMMEDIATE takes the write lock first, so other writers wait rather than fail mid-way.
      await retryWhileBusy(() => this.db.exec('BEGIN IMMEDIATE'));
      try {
        const result = await work(this.executor);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  isUniqueViolation(error: unknown): boolean {
    const code = (error as { code?: unknown } | null)?.code;
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  }

  async close(): Promise<void> {
    await this.exclusive(() => this.db.close());
  }

  private async exclusive<T>(work: () => T | Promise<T>): Promise<T> {
    const previous = this.tail;
    let release = (): void => undefined;
    this.tail = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/** Opens (creating and migrating as needed) the SQLite database in `file`. */
export function openSqliteClient(file: string): SqliteClient {
  const onDisk = file !== ':memory:';
  if (onDisk) {
    ensurePrivateDirectory(path.dirname(file));
    // SQLite gives the -wal and -shm files the mode of the database file.
    ensurePrivateFile(file);
  }
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  if (onDisk) tightenExisting([`${file}-wal`, `${file}-shm`]);
  db.pragma(`busy_timeout = ${BUSY_WAIT_MS}`);
  db.pragma('foreign_keys = ON');
  migrate(db);
  // From here on, waits for the write lock are asynchronous (retryWhileBusy).
  db.pragma('busy_timeout = 0');
  return new SqliteClient(db);
}

function migrate(db: BetterSqlite3.Database): void {
  // IMMEDIATE takes the write lock first, so two processes starting together migrate once.
  const apply = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    for (const migration of MIGRATIONS.filter((candidate) => candidate.version > current)) {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
  });
  apply.immediate();
}
