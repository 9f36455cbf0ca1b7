import pg from 'pg';
import { classifyStoreError, storeError } from '../store-error.ts';
import type {
  InsertMany,
  SqlDriver,
  SqlRow,
  SqlTx,
  SqlType,
  SqlValue,
  WriterClaim,
} from './driver.ts';
import { numberPlaceholders } from './placeholders.ts';
import { MIGRATION_LOCK, SCHEMA, WRITER_LOCK } from './schema.ts';

/** How to reach a PostgreSQL history store. */
export interface PostgresOptions {
  /** The connection URL, password included (never logged). */
  readonly url: string;
  /** The URL without its password, for messages. */
  readonly display: string;
}

const ARRAY_TYPE: Readonly<Record<SqlType, string>> = {
  text: 'text[]',
  int: 'int4[]',
  bigint: 'int8[]',
  real: 'float8[]',
  bytes: 'bytea[]',
};

// Epoch milliseconds and sums of hundredths fit a double exactly; pg would hand them over as text.
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8 || oid === NUMERIC
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * PostgreSQL through `pg`: a small pool for reads, and one connection for writes that holds
 * the writer advisory lock, so two replicas never both write (the other reads, and takes over
 * when the writer's session ends). Every table is in the `fleetmon` schema.
 */
export function openPostgres(options: PostgresOptions): SqlDriver {
  return new PostgresDriver(options);
}

class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres';
  readonly #options: PostgresOptions;
  readonly #config: pg.ClientConfig;
  readonly #pool: pg.Pool;
  #writer: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #lockHeld = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: PostgresOptions) {
    this.#options = options;
    this.#config = {
      connectionString: options.url,
      application_name: 'fleetmon',
      options: `-c search_path=${SCHEMA}`,
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
      statement_timeout: 60_000,
      types,
    };
    this.#pool = new pg.Pool({ ...this.#config, max: 4, idleTimeoutMillis: 30_000 });
    // An idle connection that drops is replaced by the next query; the event must be handled.
    this.#pool.on('error', () => {});
  }

  async all<T extends SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const result = await this.#pool.query(numberPlaceholders(sql), params as unknown[]);
    return result.rows as T[];
  }

  write<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const client = await this.#writerClient();
      try {
        await client.query('BEGIN');
        const result = await fn(this.#tx(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => this.#dropWriter(client));
        if (classifyStoreError(err, '').kind === 'unreachable') this.#dropWriter(client);
        throw err;
      }
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => {});
    return next;
  }

  async claimWriter(tx: SqlTx): Promise<WriterClaim> {
    if (this.#lockHeld) return 'kept';
    const [row] = await tx.all<{ ok: boolean }>('SELECT pg_try_advisory_lock(?) AS ok', [
      WRITER_LOCK,
    ]);
    this.#lockHeld = row?.ok === true;
    return this.#lockHeld ? 'acquired' : 'standby';
  }

  holdsWriter(): boolean {
    return this.#lockHeld;
  }

  async withMigrationLock<T>(fn: () => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      }
    } finally {
      client.release();
    }
  }

  async sizeBytes(): Promise<number> {
    const [row] = await this.all<{ bytes: number | null }>(
      `SELECT sum(pg_total_relation_size(c.oid)) AS bytes FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind = 'r'`,
      [SCHEMA],
    );
    return row?.bytes ?? 0;
  }

  async compact(): Promise<void> {
    // Autovacuum reuses the space pruning frees.
  }

  async close(): Promise<void> {
    await this.#queue;
    const writer = this.#writer;
    this.#writer = undefined;
    this.#lockHeld = false;
    await writer?.end().catch(() => {});
    await this.#pool.end().catch(() => {});
  }

  async #writerClient(): Promise<pg.Client> {
    if (this.#writer !== undefined) return this.#writer;
    this.#connecting ??= (async () => {
      const client = new pg.Client(this.#config);
      client.on('error', () => this.#dropWriter(client));
      try {
        await client.connect();
      } catch (err) {
        await client.end().catch(() => {});
        throw storeError(classifyStoreError(err, `history store ${this.#options.display}`));
      }
      this.#writer = client;
      return client;
    })().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  /** Forgets a broken write connection; its session, and so the writer lock, is gone with it. */
  #dropWriter(client: pg.Client): void {
    if (this.#writer !== client) return;
    this.#writer = undefined;
    this.#lockHeld = false;
    client.end().catch(() => {});
  }

  #tx(client: pg.Client): SqlTx {
    const query = async (sql: string, params: readonly SqlValue[]) =>
      client.query(numberPlaceholders(sql), params as unknown[]);
    return {
      all: async <T extends SqlRow>(sql: string, params: readonly SqlValue[] = []) =>
        (await query(sql, params)).rows as T[],
      run: async (sql, params = []) => (await query(sql, params)).rowCount ?? 0,
      exec: async (sql) => {
        await client.query(sql);
      },
      insertMany: async <T extends SqlRow>(spec: InsertMany) => {
        if (spec.rows.length === 0) return [];
        const names = spec.columns.map(([name]) => name);
        const arrays = spec.columns.map((_, c) => spec.rows.map((row) => row[c] ?? null));
        const unnest = spec.columns.map(([, type], c) => `$${c + 1}::${ARRAY_TYPE[type]}`);
        const sql = `INSERT INTO ${spec.table} (${names.join(', ')}) SELECT * FROM unnest(${unnest.join(', ')})${
          spec.conflict === undefined ? '' : ` ${spec.conflict}`
        }${spec.returning === undefined ? '' : ` RETURNING ${spec.returning}`}`;
        return (await client.query(sql, arrays)).rows as T[];
      },
    };
  }
}
