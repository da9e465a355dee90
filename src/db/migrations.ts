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
];
