export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * SQLite's schema, its version kept in `PRAGMA user_version`. Append only: a released migration
 * never changes. PostgreSQL has its own list (postgres-migrations.ts) with the same versions.
 */
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
  {
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
  {
    version: 6,
    name: 'dead letters',
    sql: `
      CREATE TABLE dead_letters (
        id TEXT PRIMARY KEY,
        job_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        job_type TEXT NOT NULL,
        input TEXT NOT NULL,
        error_type TEXT,
        error_message TEXT NOT NULL,
        failed_step TEXT,
        attempts TEXT NOT NULL,
        job_started_at TEXT,
        failed_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'redriving', 'redriven')),
        redriven_job_id TEXT,
        redriven_at TEXT,
        UNIQUE (job_id, run_id)
      );
      CREATE INDEX dead_letters_newest ON dead_letters (failed_at DESC, id DESC);
      CREATE INDEX dead_letters_by_type ON dead_letters (job_type, failed_at DESC, id DESC);`,
  },
  {
    version: 7,
    name: 'dead-letter redrive claims expire',
    sql: `ALTER TABLE dead_letters ADD COLUMN claimed_at TEXT;`,
  },
  {
    version: 8,
    name: 'outbox dispatch claims expire',
    sql: `ALTER TABLE outbox ADD COLUMN claimed_at TEXT;`,
  },
  {
    version: 9,
    name: 'idempotency keys per caller, with the request they were first used for',
    sql: `
      CREATE TABLE idempotency_keys (
        scope TEXT NOT NULL,
        operation TEXT NOT NULL,
        idempotency_key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (scope, operation, idempotency_key)
      );`,
  },
  {
    version: 10,
    name: 'who redrove a dead letter, and what they corrected',
    sql: `
      ALTER TABLE dead_letters ADD COLUMN redriven_by TEXT;
      ALTER TABLE dead_letters ADD COLUMN redrive_changes TEXT;`,
  },
  {
    version: 11,
    name: 'retention: jobs using each file, files being deleted, redacted dead letters',
    sql: `
      CREATE TABLE file_jobs (
        file_id TEXT NOT NULL,
        job_id TEXT NOT NULL,
        linked_at TEXT NOT NULL,
        finished_at TEXT,
        checked_at TEXT,
        PRIMARY KEY (file_id, job_id)
      );
      CREATE INDEX file_jobs_by_job ON file_jobs (job_id);
      CREATE INDEX file_jobs_unfinished ON file_jobs (checked_at) WHERE finished_at IS NULL;
      -- Files analysed before this version: their jobs are known from the analyses.
      INSERT INTO file_jobs (file_id, job_id, linked_at) SELECT file_id, job_id, updated_at FROM file_analyses;
      ALTER TABLE stored_files ADD COLUMN deleting_at TEXT;
      CREATE INDEX stored_files_by_age ON stored_files (created_at);
      ALTER TABLE dead_letters ADD COLUMN redacted_at TEXT;
      CREATE INDEX dead_letters_unredacted ON dead_letters (failed_at) WHERE redacted_at IS NULL;`,
  },
  {
    version: 12,
    name: 'job types paused by an operator',
    sql: `
      CREATE TABLE paused_job_types (
        job_type TEXT PRIMARY KEY,
        paused_at TEXT NOT NULL,
        paused_by TEXT NOT NULL
      );`,
  },
  {
    version: 13,
    name: 'failed redrives of a dead letter',
    sql: `
      ALTER TABLE dead_letters ADD COLUMN failed_redrives INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE dead_letters ADD COLUMN last_redrive_failure TEXT;`,
  },
  {
    version: 14,
    name: 'idempotency keys that expire: the generation of a key names its job',
    sql: `ALTER TABLE idempotency_keys ADD COLUMN generation TEXT;`,
  },
];
