import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { openPostgresClient } from '../../src/db/postgres-client';
import type { SqlClient } from '../../src/db/sql-client';
import { startApi } from '../../src/api/server';
import { silentLogger } from '../../src/logger';
import { closedPort } from '../helpers/ports';
import { TestDatabases } from '../helpers/postgres-database';
import { describeRepositories } from '../storage/repository-contract';

const databases = new TestDatabases();

afterAll(() => databases.dropAll());

// Every client is its own pool: two clients stand for two hosts.
const connectTo = (url: string) => () => openPostgresClient(url, { maxConnections: 4 });

describeRepositories('PostgreSQL', async () => {
  const url = await databases.create();
  return {
    connect: connectTo(url),
    emptyDatabase: async () => ({ connect: connectTo(await databases.create()) }),
    schemaOf: async (client: SqlClient) => {
      const tables = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
         WHERE table_schema = 'public' AND table_name != 'schema_migrations' ORDER BY table_name`,
      );
      const versions = await client.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      return {
        tables: tables.map((table) => table.table_name),
        versions: versions.map((row) => row.version),
      };
    },
    destroy: async () => undefined,
  };
});

describe('the API with DATABASE_URL', () => {
  it('keeps all state in PostgreSQL and creates no SQLite file in the data folder', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-pg-api-'));
    const databaseUrl = await databases.create();
    const config = {
      ...loadConfig({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl, WEBHOOK_SECRET: 'shared-secret' }),
      port: await closedPort(),
      // Temporal is down: signup's welcome e-mail waits in the outbox, in PostgreSQL.
      temporalAddress: `127.0.0.1:${await closedPort()}`,
    };
    const api = await startApi(config, silentLogger);
    const base = `http://127.0.0.1:${config.port}`;
    try {
      const signup = await fetch(`${base}/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'Pat@Example.com', name: 'Pat' }),
      });
      expect(signup.status).toBe(201);
      const upload = await fetch(`${base}/files`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'kept on disk, described in PostgreSQL',
      });
      expect(upload.status).toBe(201);
      const { fileId } = (await upload.json()) as { fileId: string };
      expect((await fetch(`${base}/files/${fileId}`)).status).toBe(200);
    } finally {
      await api.stop();
    }

    const sql = await openPostgresClient(databaseUrl, { maxConnections: 1 });
    try {
      expect(await sql.query('SELECT email_key FROM users')).toEqual([{ email_key: 'pat@example.com' }]);
      expect(await sql.query('SELECT job_type, dispatched_at FROM outbox')).toEqual([
        { job_type: 'sendEmail', dispatched_at: null },
      ]);
      expect(await sql.query('SELECT count(*)::int AS n FROM stored_files')).toEqual([{ n: 1 }]);
    } finally {
      await sql.close();
      const leftovers = fs.readdirSync(dataDir, { recursive: true }).map(String);
      fs.rmSync(dataDir, { recursive: true, force: true });
      expect(leftovers.filter((name) => /\.sqlite|webhook-secret/.test(name))).toEqual([]);
      expect(leftovers).toContain('files');
    }
  });
});
