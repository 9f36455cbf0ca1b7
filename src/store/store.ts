import type { StoreInfo } from '../core/store-info.ts';
import type { HistoryReader, HistoryWriter, StoreMaintenance } from './history.ts';
import type { ProbeHistory } from './probe-history.ts';
import type { MigrationReport, SchemaStatus } from './sql/migrate.ts';

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

export type { Extent, StoreInfo, TierInfo } from '../core/store-info.ts';
