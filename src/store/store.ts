import type { NotifierRole } from '../alert/notifier-role.ts';
import type { AlertStore } from '../alert/store.ts';
import type { StoreInfo } from '../core/store-info.ts';
import type { HistoryReader, HistoryWriter, StoreMaintenance } from './history.ts';
import type { ProbeHistory } from './probe-history.ts';
import type { MigrationReport, SchemaStatus } from './sql/migrate.ts';

/**
 * A history store, split by concern: the fleet's history (read and written), probe results,
 * rollups and pruning, alerting's state, and the schema.
 */
export interface Store {
  readonly backend: 'memory' | 'sqlite' | 'postgres';
  /** For people: a path, or a URL without its password. */
  readonly location: string;
  readonly history: HistoryReader;
  readonly writer: HistoryWriter;
  readonly probes: ProbeHistory;
  readonly maintenance: StoreMaintenance;
  /** Alerting's outbox, state and silences. */
  readonly alerts: AlertStore;
  /** Who delivers notifications: the store's writer (one process, or one PostgreSQL replica). */
  readonly notifier: NotifierRole;
  /** Applies pending migrations (`serve` does on start); with `dryRun`, lists them. */
  migrate(options: { readonly dryRun: boolean }): Promise<MigrationReport>;
  /** The schema's state; refuses (store-refused) a schema newer than this fleetmon. */
  checkSchema(): Promise<SchemaStatus>;
  info(): Promise<StoreInfo>;
  /** Gives up the writer role and closes every connection. */
  close(): Promise<void>;
}

export type { Extent, StoreInfo, TierInfo } from '../core/store-info.ts';
