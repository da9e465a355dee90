export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Append only: a released migration never changes. */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'stored files',
    sql: `
      CREATE TABLE stored_files (
        id TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        content_type TEXT NOT NULL,
        original_name TEXT,
        created_at TEXT NOT NULL
      );`,
  },
  {
    version: 2,
    name: 'completed side effects, for once-only notifications',
    sql: `
      CREATE TABLE side_effects (
        key TEXT PRIMARY KEY,
        job_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT,
        completed_at TEXT NOT NULL
      );`,
  },
  {
    version: 3,
    name: 'users',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        email_key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL
      );`,
  },
  {
    version: 4,
    name: 'transactional outbox of jobs to start',
    sql: `
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        job_type TEXT NOT NULL,
        job_id TEXT NOT NULL,
        input TEXT NOT NULL,
        created_at TEXT NOT NULL,
        dispatched_at TEXT,
        dispatch_attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
      );
      CREATE INDEX outbox_pending ON outbox (seq) WHERE dispatched_at IS NULL;`,
  },
];
