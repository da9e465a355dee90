import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { MIGRATIONS } from './migrations';

export type Database = BetterSqlite3.Database;

/**
 * Opens (and migrates) the service's SQLite database. API and worker processes share the file:
 * WAL mode lets them read while another writes, and the busy timeout makes writers wait their turn.
 */
export function openDatabase(file: string): Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

function migrate(db: Database): void {
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
