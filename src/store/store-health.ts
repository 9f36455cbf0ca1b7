// Types only: the dashboard imports them too, so nothing here may pull in Node modules.

/** The write path's health, for `/readyz`, `/metrics` and the dashboard's banner. */
export interface RecorderStatus {
  /** False from a failed write until the next one succeeds. */
  readonly up: boolean;
  /** `writer`: this process writes; `standby`: another does, this one reads; `unknown` before the first write. */
  readonly role: 'writer' | 'standby' | 'unknown';
  /** Scans waiting to be written, and about how much memory they hold. */
  readonly pending: number;
  readonly pendingBytes: number;
  readonly written: number;
  /** Scans given up: dropped from a full buffer, or refused by the store as data. */
  readonly dropped: number;
  /** The failure that put the store down (or the last one given up on). */
  readonly lastError: { readonly at: number; readonly message: string } | null;
  /** Epoch ms since when the store is down; `null` while up. */
  readonly downSince: number | null;
  /** How long the last successful write took, in ms. */
  readonly lastWriteMs: number | null;
}

/** The store as `serve` reports it: which backend, and how its write path is doing. */
export interface StoreHealth extends RecorderStatus {
  readonly backend: 'memory' | 'sqlite' | 'postgres';
}
