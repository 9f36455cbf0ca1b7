import type { InstanceRow, InstanceStatus } from '../core/types.ts';

/** One instance's values at each scan of a {@link ServiceHistory}; `null` where it was absent or unreachable. */
export interface InstanceHistory {
  readonly ip: string;
  readonly cpu: (number | null)[];
  readonly memory: (number | null)[];
  /** `null` where the instance was not listed in that scan. */
  readonly status: (InstanceStatus | null)[];
}

/** A service over the retained window, one entry per scan, oldest first. */
export interface ServiceHistory {
  readonly service: string;
  /** Epoch ms at which each scan started. */
  readonly ts: number[];
  /** Mean cpu over the instances that answered; `null` when none did or the service was absent. */
  readonly cpu: (number | null)[];
  readonly memory: (number | null)[];
  /** Instances listed for the service in each scan (0 when absent). */
  readonly instances: number[];
  readonly healthy: number[];
  /** Every instance seen in the service within the window, by IP. */
  readonly members: InstanceHistory[];
}

/**
 * Where chart history lives. The in-memory ring is the first implementation;
 * a persistent store comes later behind the same two calls.
 */
export interface HistoryStore {
  /** How far back `query` reaches, in ms. */
  readonly windowMs: number;
  /** Records one completed scan, taken at `ts` (epoch ms). */
  append(rows: readonly InstanceRow[], ts: number): void;
  /** The service's scans after `sinceMs` (exclusive) within the window; `undefined` for a service never seen in it. */
  query(service: string, sinceMs: number): ServiceHistory | undefined;
  /** Names of the services with data in the window, sorted. */
  services(): string[];
}
