import type { HistoryReader, HistoryWriter, StoreMaintenance } from './history.ts';
import type { ProbeHistory } from './probe-history.ts';
import type { Retention } from './retention.ts';
import type { MigrationReport, SchemaStatus } from './sql/migrate.ts';

/** Rows, and the oldest and newest times, of one kind of history. */
export interface Extent {
  readonly rows: number;
  /** Epoch ms; `null` when empty. */
  readonly oldest: number | null;
  readonly newest: number | null;
}

/** One tier of samples in `store info`. */
export interface TierInfo extends Extent {
  readonly tier: 'raw' | 'minute' | 'hour';
  /** Instance samples the tier covers. */
  readonly samples: number;
  /** Rollup tiers: buckets before this are complete (epoch ms). */
  readonly rolledUntil?: number;
}

/** What `fleetmon store info` shows. */
export interface StoreInfo {
  readonly backend: Store['backend'];
  readonly location: string;
  /** Applied and known schema versions; `null` for the in-memory store. */
  readonly schema: { readonly version: number; readonly latest: number } | null;
  /** Bytes on disk; `null` in memory. */
  readonly sizeBytes: number | null;
  readonly retention: Retention;
  readonly scans: Extent;
  readonly tiers: readonly TierInfo[];
  readonly events: Extent;
  readonly probeResults: Extent;
  readonly instances: { readonly present: number; readonly known: number };
  readonly services: { readonly present: number; readonly known: number };
  /** Who writes (`host:pid:…`), and until when its lease runs (SQLite); `null`: nobody now. */
  readonly writer: { readonly holder: string; readonly until: number | null } | null;
}

/**
 * A history store, split by concern: the fleet's history (read and written), probe results,
 * rollups and pruning, and the schema. Alert state and other tables get their own small
 * interface next to these, over the same connection.
 */
export interface Store {
  readonly backend: 'memory' | 'sqlite' | 'postgres';
  /** For people: a path, or a URL without its password. */
  readonly location: string;
  readonly history: HistoryReader;
  readonly writer: HistoryWriter;
  readonly probes: ProbeHistory;
  readonly maintenance: StoreMaintenance;
  /** Applies pending migrations (`serve` does on start); with `dryRun`, lists them. */
  migrate(options: { readonly dryRun: boolean }): Promise<MigrationReport>;
  /** The schema's state; refuses (store-refused) a schema newer than this fleetmon. */
  checkSchema(): Promise<SchemaStatus>;
  info(): Promise<StoreInfo>;
  /** Gives up the writer role and closes every connection. */
  close(): Promise<void>;
}
