import type { ProbeResult } from '../core/probe-types.ts';
import type { ProbeHistory } from '../store/probe-history.ts';
import type { Clock, Timer } from '../time/clock.ts';

/** Probe results wait at most this long to be written, in one transaction per batch. */
export const PROBE_BATCH_MS = 1_000;
/** A batch is written at once when it reaches this many results. */
const PROBE_BATCH_MAX = 500;

/** Where `serve` puts each probe result for the history store. */
export interface ProbeResultsStore {
  add(result: ProbeResult): void;
  /** Writes what waits and stops the timer. */
  close(): Promise<void>;
}

/**
 * Appends probe results to the store in batches: 200 probes at 5 s are 40 results a second,
 * and a transaction each cost more CPU than the probes (bench/README.md, "probes"). A store that
 * is down (or whose writer is another replica) loses the results, not the probes: one log line
 * when writing starts failing, one when it works again.
 */
export function probeResultsStore(
  store: ProbeHistory,
  clock: Clock,
  log: (line: string) => void,
): ProbeResultsStore {
  let batch: ProbeResult[] = [];
  let failing = false;
  let writing: Promise<void> = Promise.resolve();
  /** Armed by the first result of a batch, so a serve without probes sets no timer. */
  let timer: Timer | undefined;
  const flush = (): Promise<void> => {
    clock.clearTimeout(timer);
    timer = undefined;
    if (batch.length === 0) return writing;
    const results = batch;
    batch = [];
    writing = writing.then(() =>
      store.appendProbeResults(results).then(
        () => {
          if (failing) log('probe results are kept in the store again');
          failing = false;
        },
        (err: unknown) => {
          if (!failing) {
            log(
              `probe results are not kept while the store fails (${err instanceof Error ? err.message : String(err)})`,
            );
          }
          failing = true;
        },
      ),
    );
    return writing;
  };
  return {
    add(result) {
      batch.push(result);
      if (batch.length >= PROBE_BATCH_MAX) void flush();
      else timer ??= clock.setTimeout(() => void flush(), PROBE_BATCH_MS);
    },
    close: flush,
  };
}
