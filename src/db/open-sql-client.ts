import type { Config } from '../config';
import { openPostgresClient } from './postgres-client';
import type { SqlClient } from './sql-client';
import { openSqliteClient } from './sqlite-client';

/** PostgreSQL when DATABASE_URL is set (and then no SQLite file is touched), else SQLite. */
export async function openSqlClient(
  config: Pick<Config, 'databaseUrl' | 'databasePath'>,
): Promise<SqlClient> {
  if (config.databaseUrl) return openPostgresClient(config.databaseUrl);
  return openSqliteClient(config.databasePath);
}
