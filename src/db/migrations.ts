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
    // Versions 3 and 4 belong to the users and e-mail outbox tables.
    version: 5,
    name: 'file analyses',
    sql: `
      CREATE TABLE file_analyses (
        file_id TEXT NOT NULL,
        job_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('complete', 'incomplete')),
        analysis TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (file_id, job_id)
      );`,
  },
];
