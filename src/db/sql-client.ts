/** What a repository may bind to a `?` placeholder. */
export type SqlValue = string | number | null;

/** Runs statements written once for both backends, with `?` placeholders. */
export interface SqlExecutor {
  /** The rows of a query, or of a statement with RETURNING. */
  query<Row>(sql: string, params?: SqlValue[]): Promise<Row[]>;
  /** How many rows a statement inserted, changed or deleted. */
  execute(sql: string, params?: SqlValue[]): Promise<number>;
}

/**
 * The service's database, SQLite or PostgreSQL. Repositories write their SQL once in the subset
 * both understand; the few differences live here.
 */
export interface SqlClient extends SqlExecutor {
  readonly backend: 'sqlite' | 'postgres';
  /**
   * Appended to a SELECT whose rows are about to be claimed, so that concurrent claimers skip
   * each other's rows instead of waiting. Empty on SQLite, where a write holds the whole database.
   */
  readonly skipLockedRows: string;
  /** Runs `work` in one transaction; statements inside must go through `tx`. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  isUniqueViolation(error: unknown): boolean;
  close(): Promise<void>;
}
