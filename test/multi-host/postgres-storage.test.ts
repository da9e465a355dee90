import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { openPostgresClient } from '../../src/db/postgres-client';
import type { SqlClient } from '../../src/db/sql-client';
import { openServices } from '../../src/services';
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

describe('services with DATABASE_URL', () => {
  it('keep all state in PostgreSQL and create no SQLite file in the data folder', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-pg-services-'));
    try {
      const config = loadConfig({
        DATA_DIR: dataDir,
        DATABASE_URL: await databases.create(),
        WEBHOOK_SECRET: 'shared-secret',
      });
      const services = await openServices(config);
      try {
        expect(services.sql.backend).toBe('postgres');
        expect(services.webhookSecret).toBe('shared-secret');
        const stored = await services.files.save(Readable.from([Buffer.from('hello')]), {
          contentType: 'text/plain',
          limitBytes: 100,
        });
        expect(await services.files.get(stored.fileId)).toEqual(stored);
        await services.sideEffects.markDone('webhook:job', 'job', 'webhook');
        expect(await services.sideEffects.isDone('webhook:job')).toBe(true);
      } finally {
        await services.close();
      }
      const leftovers = fs.readdirSync(dataDir, { recursive: true }).map(String);
      expect(leftovers.filter((name) => /\.sqlite|webhook-secret/.test(name))).toEqual([]);
      expect(leftovers).toContain('files');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
