import { type Clock, sleepUnlessAborted } from '../time/clock.ts';
import type { StoreMaintenance } from './history.ts';
import { classifyStoreError } from './store-error.ts';

/** A running maintenance loop. */
export interface MaintenanceLoop {
  /** Ends the loop after the batch in flight, if any. */
  stop(): Promise<void>;
}

/** Pause between batches while work is left: short, so catching up is quick but never a busy loop. */
const BACKLOG_PAUSE_MS = 50;

/**
 * Rolls up and prunes in small batches, every `everyMs` (and batch after batch while there is
 * a backlog), independent of the scan loop. A failing batch is logged once per distinct
 * failure and tried again next round.
 */
export function startMaintenance(options: {
  readonly store: StoreMaintenance;
  readonly clock: Clock;
  readonly everyMs: number;
  readonly log: (line: string) => void;
}): MaintenanceLoop {
  const stop = new AbortController();
  let lastFailure: string | undefined;
  const loop = (async () => {
    await sleepUnlessAborted(options.clock, options.everyMs, stop.signal);
    while (!stop.signal.aborted) {
      let more = false;
      try {
        more = (await options.store.maintain()).more;
        lastFailure = undefined;
      } catch (err) {
        const { message } = classifyStoreError(err, 'history store');
        if (message !== lastFailure)
          options.log(`history maintenance failed: ${message} (retrying)`);
        lastFailure = message;
      }
      await sleepUnlessAborted(
        options.clock,
        more ? BACKLOG_PAUSE_MS : options.everyMs,
        stop.signal,
      );
    }
  })();
  return {
    async stop() {
      stop.abort();
      await loop;
    },
  };
}
