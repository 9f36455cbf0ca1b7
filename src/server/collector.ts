import { isFleetmonError } from '../core/errors.ts';
import type { HealthRules, Snapshot } from '../core/types.ts';
import { type Clock, sleepUnlessAborted } from '../time/clock.ts';
import { buildFleetView, type FleetView } from './fleet-view.ts';
import type { LiveState } from './live-state.ts';
import type { FleetMetrics } from './metrics.ts';

/** What the collector needs: a way to scan, where results go, and its timing. */
export interface CollectorOptions {
  /** One whole fleet scan; must reject promptly with the signal's reason when it aborts. */
  readonly scan: (signal: AbortSignal) => Promise<Snapshot>;
  readonly rules: HealthRules;
  readonly intervalMs: number;
  readonly state: LiveState;
  readonly metrics: FleetMetrics;
  /** Times the scans and the interval; a failure is stamped with its wall time. */
  readonly clock: Clock;
  /** One line about a failed scan or a recovery (stderr in production). */
  readonly log: (line: string) => void;
  /** Alerting, told about every scan before it is published (so the API shows its alerts). */
  readonly alerts?: () => ScanObserver | undefined;
}

/** What the collector tells alerting. */
export interface ScanObserver {
  observeScan(view: FleetView): void;
  observeScanFailure(message: string): void;
}

/** Scans the fleet every interval until stopped. */
export interface Collector {
  /** Starts the first scan at once; later ones start an interval after the previous one started. */
  start(): void;
  /** Aborts the scan in flight, stops the timer, and resolves once the loop has ended. */
  stop(): Promise<void>;
}

/** A collector over `options.scan`; nothing runs until `start`. */
export function createCollector(options: CollectorOptions): Collector {
  const { state, metrics, clock, log } = options;
  const controller = new AbortController();
  let loop: Promise<void> | undefined;
  let seq = 0;
  let failing = false;

  const scanOnce = async (): Promise<void> => {
    const started = clock.now();
    try {
      const snapshot = await options.scan(controller.signal);
      const view = buildFleetView(snapshot, options.rules, ++seq);
      metrics.recordScan(view);
      options.alerts?.()?.observeScan(view);
      state.publish(view);
      if (failing) log(`scan recovered: ${view.instances.length} instances`);
      failing = false;
    } catch (err) {
      if (controller.signal.aborted) return;
      // Only our own errors are expected here; their messages name the provider, never a secret.
      const message = isFleetmonError(err)
        ? err.message
        : `internal error: ${err instanceof Error ? err.message : String(err)}`;
      metrics.recordFailedScan(clock.now() - started);
      options.alerts?.()?.observeScanFailure(message);
      state.fail({ at: clock.wallNow(), message });
      if (!failing) log(`scan failed: ${message} (retrying every interval)`);
      failing = true;
    }
  };

  const run = async (): Promise<void> => {
    while (!controller.signal.aborted) {
      const started = clock.now();
      await scanOnce();
      const wait = Math.max(0, options.intervalMs - (clock.now() - started));
      await sleepUnlessAborted(clock, wait, controller.signal);
    }
  };

  return {
    start() {
      loop ??= run();
    },
    async stop() {
      controller.abort(new Error('collector stopped'));
      await loop;
    },
  };
}
