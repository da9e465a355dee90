import pg from 'pg';
import { POSTGRES_MIGRATIONS } from './postgres-migrations';
import type { SqlClient, SqlExecutor, SqlValue } from './sql-client';

// Any fixed number, the same in every process of the service: the advisory lock's name.
const MIGRATION_LOCK_KEY = 4_713_020_001;
const UNIQUE_VIOLATION = '23505';

/** `?` to `$1, $2, …`; the service's SQL never holds a literal question mark. */
function numberedPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

function executorOn(queryable: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    query: async <Row>(sql: string, params: SqlValue[] = []) =>
      (await queryable.query(numberedPlaceholders(sql), params)).rows as Row[],
    execute: async (sql: string, params: SqlValue[] = []) =>
      (await queryable.query(numberedPlaceholders(sql), params)).rowCount ?? 0,
  };
}

/** PostgreSQL through a connection pool, shared by every host of the service. */
export class PostgresClient implements SqlClient {
  readonly backend = 'postgres';
  readonly skipLockedRows = 'FOR UPDATE SKIP LOCKED';
  private readonly executor: SqlExecutor;

  constructor(private readonly pool: pg.Pool) {
    this.executor = executorOn(pool);
  }

  query<Row>(sql: string, params?: SqlValue[]): Promise<Row[]> {
    return this.executor.query<Row>(sql, params);
  }

  execute(sql: string, params?: SqlValue[]): Promise<number> {
    return this.executor.execute(sql, params);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const connection = await this.pool.connect();
    try {
      await connection.query('BEGIN');
      const result = await work(executorOn(connection));
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  }

  isUniqueViolation(error: unknown): boolean {
    return (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

export interface PostgresOptions {
  /** Connections per process. */
  maxConnections?: number;
}

/** Connects to `url` and brings its schema up to date before returning. */
export async function openPostgresClient(
  url: string,
  options: PostgresOptions = {},
): Promise<PostgresClient> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    // A request fails with an error rather than hang while the database is unreachable.
    connectionTimeoutMillis: 10_000,
  });
  // An idle connection the server dropped is discarded by the pool; the next query opens another.
  pool.on('error', () => undefined);
  try {
    await migratePostgres(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new PostgresClient(pool);
}

/**
 * Applies the migrations this database lacks, each in its own transaction with its
 * `schema_migrations` row. Hosts starting together queue on a session advisory lock, so one
 * migrates and the others then find nothing left to do; a crashed migrator's lock dies with it.
 */
export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const connection = await pool.connect();
  try {
    await connection.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await connection.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version INTEGER PRIMARY KEY,
           name TEXT NOT NULL,
           applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )`,
      );
      const { rows } = await connection.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((row) => row.version));
      for (const migration of POSTGRES_MIGRATIONS.filter((candidate) => !applied.has(candidate.version))) {
        await connection.query('BEGIN');
        try {
          await connection.query(migration.sql);
          await connection.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
            migration.version,
            migration.name,
          ]);
          await connection.query('COMMIT');
        } catch (error) {
          await connection.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await connection.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    connection.release();
  }
}
