import type { HistoryReader } from '../store/history.ts';
import type { FleetView } from './fleet-view.ts';

/** Why the last scan failed, when it did. */
export interface ScanFailure {
  /** Epoch ms. */
  readonly at: number;
  readonly message: string;
}

/** Something the live stream forwards to its clients. */
export type LiveEvent =
  | { readonly type: 'scan'; readonly view: FleetView }
  | { readonly type: 'scan-error'; readonly failure: ScanFailure };

/** The server's picture of the fleet: the latest scan, the history behind it, and who listens. */
export class LiveState {
  /** Where the charts' history is read from (the store; scans reach it through a subscriber). */
  readonly history: HistoryReader;
  #latest: FleetView | undefined;
  #lastFailure: ScanFailure | undefined;
  readonly #listeners = new Set<(event: LiveEvent) => void>();

  constructor(history: HistoryReader) {
    this.history = history;
  }

  /** The latest completed scan; `undefined` until the first one. */
  get latest(): FleetView | undefined {
    return this.#latest;
  }

  /** The failure of the most recent scan attempt; cleared by the next success. */
  get lastFailure(): ScanFailure | undefined {
    return this.#lastFailure;
  }

  /** Records a completed scan and tells every listener (the history recorder among them). */
  publish(view: FleetView): void {
    this.#latest = view;
    this.#lastFailure = undefined;
    this.#emit({ type: 'scan', view });
  }

  /** Records a failed scan; the latest good view stays in place. */
  fail(failure: ScanFailure): void {
    this.#lastFailure = failure;
    this.#emit({ type: 'scan-error', failure });
  }

  /** Listeners subscribed now (one per open live stream). */
  get subscribers(): number {
    return this.#listeners.size;
  }

  /** Calls `listener` on every event until the returned function is called. */
  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: LiveEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
