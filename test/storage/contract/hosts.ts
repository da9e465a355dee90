import type { SqlClient } from '../../../src/db/sql-client';
import { TABLES } from './fixtures';

/** One database, seen by as many hosts (independent connections) as a test opens. */
export interface StorageBackend {
  /** A new, independently connected client on this backend's database, migrated. */
  connect(): Promise<SqlClient>;
  /** A database with no tables yet, and a way to connect (and migrate) to it. */
  emptyDatabase(): Promise<{ connect(): Promise<SqlClient> }>;
  /** Tables and applied migration versions as the database records them. */
  schemaOf(client: SqlClient): Promise<{ tables: string[]; versions: number[] }>;
  destroy(): Promise<void>;
}

/** Two hosts on one backend's database, emptied before each test. */
export interface StorageHosts {
  readonly backend: StorageBackend;
  readonly a: SqlClient;
  readonly b: SqlClient;
  count(table: string): Promise<number>;
}

/** Opens the backend once for the enclosing `describe` and connects two hosts to it. */
export function useStorageHosts(openBackend: () => Promise<StorageBackend>): StorageHosts {
  let backend: StorageBackend | undefined;
  let a: SqlClient | undefined;
  let b: SqlClient | undefined;
  const opened = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the storage backend is not open yet (use it inside a test)');
    return value;
  };

  beforeAll(async () => {
    backend = await openBackend();
    a = await backend.connect();
    b = await backend.connect();
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await backend?.destroy();
  });

  beforeEach(async () => {
    for (const table of TABLES) await opened(a).execute(`DELETE FROM ${table}`);
  });

  return {
    get backend() {
      return opened(backend);
    },
    get a() {
      return opened(a);
    },
    get b() {
      return opened(b);
    },
    count: async (table) =>
      Number((await opened(a).query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n),
  };
}
