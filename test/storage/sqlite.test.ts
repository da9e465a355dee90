import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { MIGRATIONS } from '../../src/db/migrations';
import { POSTGRES_MIGRATIONS } from '../../src/db/postgres-migrations';
import type { SqlClient } from '../../src/db/sql-client';
import { openSqliteClient } from '../../src/db/sqlite-client';
import { describeRepositories } from './repository-contract';

describeRepositories('SQLite', async () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-storage-'));
  let databases = 0;
  const freshFile = () => path.join(directory, `db-${(databases += 1)}.sqlite`);
  const file = freshFile();
  return {
    // A second connection on the same file stands for a second process.
    connect: async () => openSqliteClient(file),
    emptyDatabase: async () => {
      const empty = freshFile();
      return { connect: async () => openSqliteClient(empty) };
    },
    schemaOf: async (client: SqlClient) => {
      const tables = await client.query<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      );
      const [version] = await client.query<{ user_version: number }>('PRAGMA user_version');
      const applied = MIGRATIONS.filter((migration) => migration.version <= (version?.user_version ?? 0));
      return {
        tables: tables.map((table) => table.name),
        versions: applied.map((migration) => migration.version),
      };
    },
    destroy: async () => fs.rmSync(directory, { recursive: true, force: true }),
  };
});

describe('migration lists', () => {
  it('gives PostgreSQL the same versions and names as SQLite', () => {
    const summary = (list: typeof MIGRATIONS) => list.map(({ version, name }) => ({ version, name }));
    expect(summary(POSTGRES_MIGRATIONS)).toEqual(summary(MIGRATIONS));
  });
});

describe('the retention migration (11) on a database that already holds analyses', () => {
  it('links the files analysed before it to their jobs, so they are not taken for orphans', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-storage-'));
    const file = path.join(directory, 'v8.sqlite');
    const old = new BetterSqlite3(file);
    for (const migration of MIGRATIONS.filter((candidate) => candidate.version <= 8)) old.exec(migration.sql);
    old.pragma('user_version = 8');
    old
      .prepare(
        `INSERT INTO file_analyses (file_id, job_id, status, analysis, updated_at) VALUES (?, ?, ?, ?, ?)`,
      )
      .run('file-1', 'upload-1', 'complete', null, '2030-01-01T00:00:00.000Z');
    old.close();
    const client = openSqliteClient(file);
    try {
      expect(await client.query('SELECT file_id, job_id, linked_at, finished_at FROM file_jobs')).toEqual([
        { file_id: 'file-1', job_id: 'upload-1', linked_at: '2030-01-01T00:00:00.000Z', finished_at: null },
      ]);
    } finally {
      await client.close();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});
