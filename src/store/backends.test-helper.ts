import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { InstanceRow } from '../core/types.ts';
import type { Clock } from '../time/clock.ts';
import type { StoreLocation } from './location.ts';
import { openStore } from './open-store.ts';
import { DEFAULT_RETENTION, type Retention } from './retention.ts';
import { type ScanRecord, scanRecordOf } from './scan-record.ts';
import type { Store } from './store.ts';

/** The local PostgreSQL every store test also runs against (trust auth; see CONTRIBUTING.md). */
export const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** One database of one backend, made for a test and removed after it. */
export interface TestDatabase {
  readonly backend: 'sqlite' | 'postgres';
  readonly location: StoreLocation;
  /** Opens a store on it (several may be open at once, like replicas). */
  open(options?: {
    clock?: Clock;
    retention?: Retention;
    mode?: 'read' | 'write';
    leaseMs?: number;
  }): Promise<Store>;
  /** Closes every store opened and removes the database. */
  drop(): Promise<void>;
}

let counter = 0;

/** A fresh, empty database: an SQLite file in a temporary directory, or a PostgreSQL database. */
export async function createTestDatabase(backend: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  const opened: Store[] = [];
  let location: StoreLocation;
  let cleanup: () => Promise<void>;
  if (backend === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'fleetmon-store-'));
    location = { kind: 'sqlite', path: join(dir, 'history.db') };
    cleanup = () => rm(dir, { recursive: true, force: true });
  } else {
    const name = `fleetmon_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    location = { kind: 'postgres', url: url.href, display: url.href };
    cleanup = () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  return {
    backend,
    location,
    async open(options = {}) {
      const store = await openStore(location, {
        mode: options.mode ?? 'write',
        retention: options.retention ?? DEFAULT_RETENTION,
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
      });
      opened.push(store);
      return store;
    },
    async drop() {
      for (const store of opened) await store.close().catch(() => {});
      await cleanup();
    },
  };
}

/** Runs one statement on the admin database (test only). */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at 127.0.0.1:5432 (${(err as Error).message}); the store tests need it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`,
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Both SQL backends, for `for (const backend of SQL_BACKENDS) describe(…)`. */
export const SQL_BACKENDS = ['sqlite', 'postgres'] as const;

/** One instance in a test scan: ip, service (or null), cpu and memory (null: unreachable). */
export type TestRow = readonly [
  ip: string,
  service: string | null,
  cpu: number | null,
  memory: number | null,
];

/** A scan record at `ts` from short rows; healthy below 75%, a service ok with `minHealthy` healthy. */
export function testScan(ts: number, rows: readonly TestRow[], minHealthy = 1): ScanRecord {
  const instanceRows: InstanceRow[] = rows.map(([ip, service, cpu, memory]) =>
    cpu === null || memory === null
      ? { ip, service, status: 'unreachable', cpu: null, memory: null, error: 'HTTP 500' }
      : { ip, service, status: cpu < 75 && memory < 75 ? 'healthy' : 'unhealthy', cpu, memory },
  );
  return scanRecordOf(ts, 25, instanceRows, minHealthy);
}
