import { NO_ALERTING } from '../../core/store-info.ts';
import type { Clock } from '../../time/clock.ts';
import type { WriteOutcome } from '../history.ts';
import type { Retention } from '../retention.ts';
import { MAX_RETENTION_MS } from '../retention.ts';
import type { ScanRecord } from '../scan-record.ts';
import type { Store, StoreInfo } from '../store.ts';
import type { SqlDriver, SqlTx } from './driver.ts';
import { type MigrationReport, migrate, schemaStatus } from './migrate.ts';
import { loadMigrations } from './migrations.ts';
import { pruneBatch } from './prune.ts';
import { rollupBatch } from './rollup.ts';
import { SqlAlertStore } from './sql-alerts.ts';
import { sqlStoreInfo } from './sql-info.ts';
import { SqlProbeHistory } from './sql-probes.ts';
import { SqlHistoryReader } from './sql-reader.ts';
import { SqlScanWriter } from './sql-writer.ts';

/** What an SQL store needs besides its driver. */
export interface SqlStoreOptions {
  readonly backend: 'sqlite' | 'postgres';
  /** For people: a path, or a URL without its password. */
  readonly location: string;
  readonly retention: Retention;
  readonly clock: Clock;
}

/**
 * The SQL store (SQLite or PostgreSQL, the same tables and code): history read and written,
 * probe results, rollups and pruning, and the schema. Writing migrates first, once, so a
 * `serve` that started while the database was down migrates when it comes back.
 */
export function createSqlStore(driver: SqlDriver, options: SqlStoreOptions): Store {
  const migrations = loadMigrations(driver.dialect);
  const where = `history store ${options.location}`;
  const scans = new SqlScanWriter();
  const reader = new SqlHistoryReader(driver, options.retention, () => options.clock.wallNow());
  let migrated: Promise<MigrationReport> | undefined;
  const ensureMigrated = (): Promise<MigrationReport> => {
    migrated ??= migrate(driver, migrations, { dryRun: false, clock: options.clock, where }).catch(
      (err: unknown) => {
        migrated = undefined;
        throw err;
      },
    );
    return migrated;
  };
  /** Runs `fn` as the store's one writer; `undefined` when another process writes. */
  const asWriter = async <T>(fn: (tx: SqlTx) => Promise<T>): Promise<T | undefined> => {
    await ensureMigrated();
    const result = await driver.write(async (tx) => {
      const claim = await driver.claimWriter(tx);
      if (claim !== 'kept') scans.forget();
      return claim === 'standby' ? undefined : { value: await fn(tx) };
    });
    return result?.value;
  };
  const write = async <T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> => {
    await ensureMigrated();
    return driver.write(fn);
  };

  return {
    backend: options.backend,
    location: options.location,
    history: {
      series: (query) => reader.series(query),
      events: (query) => reader.events(query),
      services: () => reader.services(),
      reachMs: Math.min(
        MAX_RETENTION_MS,
        Math.max(options.retention.hour, options.retention.minute),
      ),
    },
    writer: {
      async writeScan(scan: ScanRecord): Promise<WriteOutcome> {
        try {
          const pending = await asWriter((tx) => scans.write(tx, scan));
          if (pending === undefined) return 'standby';
          if (pending === 'duplicate') return 'duplicate';
          scans.commit(pending);
          return 'written';
        } catch (err) {
          scans.forget();
          throw err;
        }
      },
    },
    probes: new SqlProbeHistory(driver, asWriter),
    alerts: new SqlAlertStore(driver, asWriter, write),
    // The writer notifies: on PostgreSQL the replica holding the writer lock, which another
    // replica takes when its session ends; the store gives the role up when it closes.
    notifier: {
      acquire: async () => (await asWriter(async () => true)) === true,
      release: async () => {},
      isHolder: () => driver.holdsWriter(),
    },
    maintenance: {
      async maintain() {
        if (migrated === undefined) return { more: false };
        let more = false;
        for (const step of [
          (tx: SqlTx) => rollupBatch(tx, 'minute'),
          (tx: SqlTx) => rollupBatch(tx, 'hour'),
          (tx: SqlTx) => pruneBatch(tx, options.clock.wallNow(), options.retention),
        ]) {
          const result = await asWriter(step);
          if (result === undefined) return { more: false };
          more ||= result.more;
        }
        await driver.compact();
        return { more };
      },
    },
    migrate: ({ dryRun }) =>
      dryRun
        ? migrate(driver, migrations, { dryRun, clock: options.clock, where })
        : ensureMigrated(),
    checkSchema: () => schemaStatus(driver, migrations, where),
    async info(): Promise<StoreInfo> {
      const status = await schemaStatus(driver, migrations, where);
      const base = {
        backend: options.backend,
        location: options.location,
        schema: { version: status.version, latest: status.latest },
      };
      if (status.version === 0) return emptyInfo(base, options.retention, await driver.sizeBytes());
      return sqlStoreInfo(driver, base, options.retention, options.clock.wallNow());
    },
    close: () => driver.close(),
  };
}

function emptyInfo(
  base: Pick<StoreInfo, 'backend' | 'location' | 'schema'>,
  retention: Retention,
  sizeBytes: number,
): StoreInfo {
  const none = { rows: 0, oldest: null, newest: null };
  return {
    ...base,
    sizeBytes,
    retention,
    scans: none,
    tiers: (['raw', 'minute', 'hour'] as const).map((tier) => ({ tier, ...none, samples: 0 })),
    events: none,
    probeResults: none,
    instances: { present: 0, known: 0 },
    services: { present: 0, known: 0 },
    alerting: NO_ALERTING,
    writer: null,
  };
}
