import type {
  EventsQuery,
  HistoryEvent,
  HistorySeries,
  SeriesQuery,
} from '../core/history-types.ts';
import type { ScanRecord } from './scan-record.ts';

/** Reads history back: series of a service or an instance, and their transitions. */
export interface HistoryReader {
  /** The series asked for; `undefined` when the store never saw that service or IP. */
  series(query: SeriesQuery): Promise<HistorySeries | undefined>;
  /** Transitions of the target (a service's own and its instances'), oldest first. */
  events(query: EventsQuery): Promise<HistoryEvent[]>;
  /** Names of the services the store has history of, sorted. */
  services(): Promise<string[]>;
  /** How far back history can reach, in ms (the longest retention, or the in-memory window). */
  readonly reachMs: number;
}

/**
 * `written`: stored; `duplicate`: that scan was stored before (a retry after a write whose
 * outcome was unknown); `standby`: another fleetmon writes to this store, so this one only reads.
 */
export type WriteOutcome = 'written' | 'duplicate' | 'standby';

/** Stores scans; one writer per store at a time (see {@link WriteOutcome}). */
export interface HistoryWriter {
  writeScan(scan: ScanRecord): Promise<WriteOutcome>;
}

/** Rollups and pruning, a small batch per call, run off the scan path. */
export interface StoreMaintenance {
  /** Does one batch of due work; `more` when work is left for another call soon. */
  maintain(): Promise<{ readonly more: boolean }>;
}
