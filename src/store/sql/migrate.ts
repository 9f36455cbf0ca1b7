import { FleetmonError } from '../../core/errors.ts';
import type { Clock } from '../../time/clock.ts';
import type { SqlDriver } from './driver.ts';
import type { Migration } from './migrations.ts';
import { SCHEMA } from './schema.ts';

/** A migration as recorded in the store. */
export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
  /** Epoch ms. */
  readonly appliedAt: number;
}

/** Where a store's schema stands against the migrations this fleetmon carries. */
export interface SchemaStatus {
  /** Highest applied version; 0 for an empty store. */
  readonly version: number;
  /** Highest version this fleetmon knows. */
  readonly latest: number;
  readonly applied: readonly AppliedMigration[];
  readonly pending: readonly Migration[];
}

/** What `migrate` did. */
export interface MigrationReport {
  readonly before: number;
  readonly after: number;
  /** Applied by this call (none with `dryRun`, or when another process applied them first). */
  readonly applied: readonly Migration[];
  /** Still to apply (with `dryRun`, what would be applied). */
  readonly pending: readonly Migration[];
}

const TABLE = 'schema_migrations';

/**
 * Reads the schema's state without changing anything, and refuses a store whose schema is newer
 * than this fleetmon or whose applied migrations differ from the files.
 */
export async function schemaStatus(
  driver: SqlDriver,
  migrations: readonly Migration[],
  where: string,
): Promise<SchemaStatus> {
  const exists =
    driver.dialect === 'sqlite'
      ? (
          await driver.all("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", [
            TABLE,
          ])
        ).length > 0
      : (
          await driver.all<{ t: string | null }>('SELECT to_regclass(?) AS t', [
            `${SCHEMA}.${TABLE}`,
          ])
        )[0]?.t != null;
  const applied = exists ? await readApplied(driver) : [];
  return check(applied, migrations, where);
}

/**
 * Applies every pending migration, each in its own transaction and recorded in
 * `schema_migrations`, under the store's migration lock: two processes starting together
 * migrate once (the second finds the work done).
 */
export async function migrate(
  driver: SqlDriver,
  migrations: readonly Migration[],
  options: { readonly dryRun: boolean; readonly clock: Clock; readonly where: string },
): Promise<MigrationReport> {
  if (options.dryRun) {
    const status = await schemaStatus(driver, migrations, options.where);
    return { before: status.version, after: status.version, applied: [], pending: status.pending };
  }
  return driver.withMigrationLock(async () => {
    await driver.write(async (tx) => {
      if (driver.dialect === 'postgres') await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
      await tx.exec(
        `CREATE TABLE IF NOT EXISTS ${TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
      );
    });
    const status = check(await readApplied(driver), migrations, options.where);
    const applied: Migration[] = [];
    for (const migration of status.pending) {
      const done = await driver.write(async (tx) => {
        const rows = await tx.all(`SELECT version FROM ${TABLE} WHERE version = ?`, [
          migration.version,
        ]);
        if (rows.length > 0) return false;
        await tx.exec(migration.sql);
        await tx.run(
          `INSERT INTO ${TABLE} (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)`,
          [migration.version, migration.name, migration.checksum, options.clock.wallNow()],
        );
        return true;
      });
      if (done) applied.push(migration);
    }
    return {
      before: status.version,
      after: Math.max(status.version, ...status.pending.map((m) => m.version)),
      applied,
      pending: [],
    };
  });
}

async function readApplied(driver: SqlDriver): Promise<AppliedMigration[]> {
  const rows = await driver.all<{
    version: number;
    name: string;
    checksum: string;
    applied_at: number;
  }>(`SELECT version, name, checksum, applied_at FROM ${TABLE} ORDER BY version`);
  return rows.map((row) => ({
    version: Number(row.version),
    name: row.name,
    checksum: row.checksum,
    appliedAt: Number(row.applied_at),
  }));
}

function check(
  applied: readonly AppliedMigration[],
  migrations: readonly Migration[],
  where: string,
): SchemaStatus {
  const latest = migrations.length;
  const version = Math.max(0, ...applied.map((m) => m.version));
  if (version > latest) {
    throw new FleetmonError(
      'store-refused',
      `${where} has schema version ${version}, newer than this fleetmon knows (${latest}); it was written by a newer fleetmon`,
      'upgrade fleetmon, or point --store at another database',
    );
  }
  for (const done of applied) {
    const file = migrations[done.version - 1];
    if (file !== undefined && file.checksum !== done.checksum) {
      throw new FleetmonError(
        'store-refused',
        `${where}: migration ${done.name} was changed after it was applied (checksum ${done.checksum.slice(0, 12)} in the store, ${file.checksum.slice(0, 12)} in this fleetmon)`,
        'restore the migration file as released; a change to the schema is a new numbered migration',
      );
    }
  }
  const done = new Set(applied.map((m) => m.version));
  return { version, latest, applied, pending: migrations.filter((m) => !done.has(m.version)) };
}
