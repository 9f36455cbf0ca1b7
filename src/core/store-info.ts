/** How long each kind of history is kept, in ms (defaults and limits: src/store/retention.ts). */
export interface Retention {
  /** Every scan's samples. */
  readonly raw: number;
  /** Per-minute rollups. */
  readonly minute: number;
  /** Per-hour rollups. */
  readonly hour: number;
  /** Status transitions. */
  readonly events: number;
  /** Probe results. */
  readonly probes: number;
}

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

/** Alerting's part of `store info`. */
export interface AlertingInfo {
  readonly firing: number;
  readonly pending: number;
  /** Notifications not yet delivered. */
  readonly queued: number;
  /** Silences in force or still to come. */
  readonly silences: number;
}

export const NO_ALERTING: AlertingInfo = { firing: 0, pending: 0, queued: 0, silences: 0 };

/** What `fleetmon store info` shows. */
export interface StoreInfo {
  readonly backend: 'memory' | 'sqlite' | 'postgres';
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
  /** Alerting's state kept here: alerts by state, notifications queued, silences not yet ended. */
  readonly alerting: AlertingInfo;
  /** Who writes (`host:pid:…`), and until when its lease runs (SQLite); `null`: nobody now. */
  readonly writer: { readonly holder: string; readonly until: number | null } | null;
}
