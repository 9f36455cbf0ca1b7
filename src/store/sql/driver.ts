/** A value bound to a statement. */
export type SqlValue = string | number | null | Uint8Array;

/** A row as the driver returns it: bigints as numbers, blobs as Uint8Array. */
export type SqlRow = Record<string, unknown>;

/** Column types for batch inserts (PostgreSQL needs them to unpack arrays). */
export type SqlType = 'text' | 'int' | 'bigint' | 'real' | 'bytes';

/** Many rows into one table in one statement (PostgreSQL) or one prepared statement (SQLite). */
export interface InsertMany {
  readonly table: string;
  readonly columns: readonly (readonly [name: string, type: SqlType])[];
  readonly rows: readonly (readonly SqlValue[])[];
  /** `ON CONFLICT …` clause, as both dialects write it. */
  readonly conflict?: string;
  /** `RETURNING …` columns. */
  readonly returning?: string;
}

/** Statements inside one transaction. SQL uses `?` placeholders in both dialects. */
export interface SqlTx {
  all<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a statement; resolves the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs a script of several statements without parameters (a migration). */
  exec(sql: string): Promise<void>;
  insertMany<T extends SqlRow = SqlRow>(spec: InsertMany): Promise<T[]>;
}

/**
 * One database as fleetmon uses it: reads on a connection of their own, and writes one at a
 * time, each in a transaction, on the connection that holds the writer role.
 */
export interface SqlDriver {
  readonly dialect: 'sqlite' | 'postgres';
  /** Reads outside any write; they see committed data only. */
  all<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /**
   * Runs `fn` in a transaction on the write connection, after every earlier write has ended.
   * Rolls back when `fn` throws or `claimWriter` says another process writes (`standby`).
   */
  write<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  /**
   * Makes this process the store's one writer if no other live one is. PostgreSQL holds a
   * session advisory lock; SQLite renews a lease row inside `tx`.
   */
  claimWriter(tx: SqlTx): Promise<WriterClaim>;
  /** Whether this process was the writer at its last claim and has not lost the role since. */
  holdsWriter(): boolean;
  /** Runs `fn` while holding the store-wide migration lock (each migration is its own write). */
  withMigrationLock<T>(fn: () => Promise<T>): Promise<T>;
  /** Bytes the store takes on disk. */
  sizeBytes(): Promise<number>;
  /** Hands a batch of pages freed by pruning back to the file system (SQLite; PostgreSQL vacuums itself). */
  compact(): Promise<void>;
  /** Releases the writer role and closes every connection. */
  close(): Promise<void>;
}

/**
 * `kept`: this process was the writer and still is; `acquired`: it just became the writer
 * (another may have written meanwhile, so whatever it remembers of the store is stale);
 * `standby`: another process writes.
 */
export type WriterClaim = 'kept' | 'acquired' | 'standby';
