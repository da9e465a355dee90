import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
