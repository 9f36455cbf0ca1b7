import { existsSync, mkdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Clock } from '../../time/clock.ts';
import { classifyStoreError, storeError } from '../store-error.ts';
import type { InsertMany, SqlDriver, SqlRow, SqlTx, SqlValue, WriterClaim } from './driver.ts';

/** How to open an SQLite history file. */
export interface SqliteOptions {
  readonly path: string;
  /** Never create, migrate or write: for commands that only read. */
  readonly readOnly: boolean;
  readonly clock: Clock;
  /** How long the writer lease lasts without being renewed. */
  readonly leaseMs: number;
  /** Who this process is, in the lease row: `host:pid:nonce`. */
  readonly holder: string;
}

// Batch inserts: rows per statement, within SQLite's limit on bound values.
const ROWS_PER_INSERT = 500;
const MAX_VARIABLES = 32_766;
const CHUNK_SIZES = [500, 100, 20, 5, 1];
/** Prepared statements kept per connection; the oldest is dropped beyond it. */
const STATEMENT_CACHE = 200;

/** Waits this long for another process's write lock before failing with `busy`. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Writes to one file from this process, in order. node:sqlite blocks the thread while it waits
 * for a lock, so two connections of one process taking turns by SQLite's busy wait would
 * deadlock; other processes are kept apart by SQLite's own lock.
 */
const writeQueues = new Map<string, Promise<unknown>>();

function enqueue<T>(path: string, run: () => Promise<T>): Promise<T> {
  const next = (writeQueues.get(path) ?? Promise.resolve()).then(run, run);
  const settled = next.catch(() => {});
  writeQueues.set(path, settled);
  void settled.then(() => {
    if (writeQueues.get(path) === settled) writeQueues.delete(path);
  });
  return next;
}

/**
 * An SQLite file through `node:sqlite` (built into Node, nothing to install). WAL journal, so
 * readers never wait for the writer and a killed process leaves the file intact; synchronous
 * NORMAL, so a commit is safe against a crash of the process (not of the machine) without an
 * fsync per scan. `node:sqlite` is synchronous: every call here is short (one scan's rows,
 * one batch of rollups), which keeps the event loop free between them.
 */
export function openSqlite(options: SqliteOptions): SqlDriver {
  const where = `history store ${options.path}`;
  if (options.readOnly && !existsSync(options.path)) {
    throw storeError(
      { kind: 'unreachable', message: `no history store at ${options.path}` },
      'fleetmon serve keeps history there; name another with --store (or FLEETMON_STORE)',
    );
  }
  const open = (readOnly: boolean): DatabaseSync => {
    try {
      return new DatabaseSync(options.path, { readOnly, timeout: BUSY_TIMEOUT_MS });
    } catch (err) {
      throw storeError(classifyStoreError(err, where));
    }
  };
  let writeDb: DatabaseSync | undefined;
  if (!options.readOnly) {
    try {
      mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
    } catch (err) {
      throw storeError({
        kind: 'refused',
        message: `${where}: cannot create its directory (${(err as Error).message})`,
      });
    }
    writeDb = open(false);
    try {
      // Incremental vacuum hands pruned pages back to the file system; it can only be chosen
      // before the first table exists.
      const pages = writeDb.prepare('PRAGMA page_count').get() as { page_count: number };
      if (pages.page_count === 0) writeDb.exec('PRAGMA auto_vacuum = INCREMENTAL');
      writeDb.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
    } catch (err) {
      writeDb.close();
      throw storeError(classifyStoreError(err, where));
    }
  }
  const readDb = open(true);
  return new SqliteDriver(options, readDb, writeDb);
}

class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite';
  readonly #options: SqliteOptions;
  readonly #read: DatabaseSync;
  readonly #write: DatabaseSync | undefined;
  readonly #statements = new WeakMap<DatabaseSync, Map<string, StatementSync>>();
  #leaseHeld = false;

  constructor(options: SqliteOptions, read: DatabaseSync, write: DatabaseSync | undefined) {
    this.#options = options;
    this.#read = read;
    this.#write = write;
  }

  async all<T extends SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.#prepare(this.#read, sql).all(...params) as T[];
  }

  write<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    const db = this.#write;
    if (db === undefined)
      return Promise.reject(new Error('this history store was opened to read only'));
    const run = async (): Promise<T> => {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.#tx(db));
        db.exec('COMMIT');
        return result;
      } catch (err) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw err;
      }
    };
    return enqueue(this.#options.path, run);
  }

  async claimWriter(tx: SqlTx): Promise<WriterClaim> {
    const now = this.#options.clock.wallNow();
    const [lease] = await tx.all<{ holder: string; expires_at: number }>(
      'SELECT holder, expires_at FROM writer_lease WHERE id = 1',
    );
    const mine = lease?.holder === this.#options.holder && lease.expires_at >= now;
    if (lease !== undefined && !mine && lease.expires_at >= now && !deadHere(lease.holder)) {
      this.#leaseHeld = false;
      return 'standby';
    }
    await tx.run(
      `INSERT INTO writer_lease (id, holder, expires_at) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at`,
      [this.#options.holder, now + this.#options.leaseMs],
    );
    const kept = mine && this.#leaseHeld;
    this.#leaseHeld = true;
    return kept ? 'kept' : 'acquired';
  }

  holdsWriter(): boolean {
    return this.#leaseHeld;
  }

  withMigrationLock<T>(fn: () => Promise<T>): Promise<T> {
    // Each migration takes SQLite's write lock (BEGIN IMMEDIATE) and checks again inside it.
    return fn();
  }

  async sizeBytes(): Promise<number> {
    const page = this.#read.prepare('PRAGMA page_size').get() as { page_size: number };
    const count = this.#read.prepare('PRAGMA page_count').get() as { page_count: number };
    let wal = 0;
    try {
      wal = statSync(`${this.#options.path}-wal`).size;
    } catch {
      // No WAL file: everything is checkpointed.
    }
    return page.page_size * count.page_count + wal;
  }

  compact(): Promise<void> {
    const db = this.#write;
    if (db === undefined) return Promise.resolve();
    return enqueue(this.#options.path, async () => {
      db.prepare('PRAGMA incremental_vacuum(1000)').all();
    });
  }

  async close(): Promise<void> {
    await enqueue(this.#options.path, async () => {});
    const db = this.#write;
    if (db?.isOpen === true) {
      if (this.#leaseHeld) {
        try {
          db.prepare('UPDATE writer_lease SET expires_at = 0 WHERE holder = ?').run(
            this.#options.holder,
          );
        } catch {
          // Closing anyway: the lease expires by itself.
        }
      }
      db.close();
    }
    if (this.#read.isOpen) this.#read.close();
  }

  #tx(db: DatabaseSync): SqlTx {
    return {
      all: async <T extends SqlRow>(sql: string, params: readonly SqlValue[] = []) =>
        this.#prepare(db, sql).all(...params) as T[],
      run: async (sql, params = []) => Number(this.#prepare(db, sql).run(...params).changes),
      exec: async (sql) => db.exec(sql),
      insertMany: async <T extends SqlRow>(spec: InsertMany) => this.#insertMany<T>(db, spec),
    };
  }

  /**
   * Many rows per statement (a 100k-instance first scan: ~3x faster than a statement per row),
   * in chunks of a few fixed sizes, so the prepared statements stay few whatever the row counts.
   */
  #insertMany<T extends SqlRow>(db: DatabaseSync, spec: InsertMany): T[] {
    const names = spec.columns.map(([name]) => name);
    const most = Math.max(1, Math.min(ROWS_PER_INSERT, Math.floor(MAX_VARIABLES / names.length)));
    const tuple = `(${names.map(() => '?').join(', ')})`;
    const out: T[] = [];
    for (let at = 0; at < spec.rows.length; ) {
      const left = spec.rows.length - at;
      const size = CHUNK_SIZES.find((n) => n <= Math.min(left, most)) ?? 1;
      const chunk = spec.rows.slice(at, at + size);
      at += size;
      const sql = `INSERT INTO ${spec.table} (${names.join(', ')}) VALUES ${Array(chunk.length).fill(tuple).join(', ')}${
        spec.conflict === undefined ? '' : ` ${spec.conflict}`
      }${spec.returning === undefined ? '' : ` RETURNING ${spec.returning}`}`;
      const statement = this.#prepare(db, sql);
      const params = chunk.flat();
      if (spec.returning === undefined) statement.run(...params);
      else out.push(...(statement.all(...params) as T[]));
    }
    return out;
  }

  #prepare(db: DatabaseSync, sql: string): StatementSync {
    let cache = this.#statements.get(db);
    if (cache === undefined) {
      cache = new Map();
      this.#statements.set(db, cache);
    }
    let statement = cache.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value as string);
      cache.set(sql, statement);
    }
    return statement;
  }
}

/**
 * True when a lease holder ran on this host and its process is gone (killed, crashed): a
 * restarted serve takes over at once instead of waiting for the lease to run out.
 */
function deadHere(holder: string): boolean {
  const parts = holder.split(':');
  const pid = Number(parts[parts.length - 2]);
  if (parts.slice(0, -2).join(':') !== hostname() || !Number.isInteger(pid) || pid <= 0)
    return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
