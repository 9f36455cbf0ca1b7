import type { ProbeResult } from '../core/probe-types.ts';

/**
 * Probe results over time, next to the fleet's history in the same store: appended as probes
 * run, read back per probe between two times, and pruned after `retention.probes`.
 */
export interface ProbeHistory {
  /**
   * Stores results (any probes, any order). Resolves `false` without storing when another
   * fleetmon is this store's writer; rejects when the store cannot be reached.
   */
  appendProbeResults(results: readonly ProbeResult[]): Promise<boolean>;
  /** One probe's results with `from <= ts < to`, oldest first, at most `limit`. */
  probeResults(probe: string, from: number, to: number, limit?: number): Promise<ProbeResult[]>;
  /** Names of the probes with stored results, sorted. */
  probeNames(): Promise<string[]>;
}

/** Most results one `probeResults` call returns unless told otherwise. */
export const DEFAULT_PROBE_LIMIT = 10_000;
