import type { AlertService } from '../alert/alert-service.ts';
import type { HealthRules, Snapshot, TrafficSummary } from '../core/types.ts';
import type { ProbeReader } from '../probe/probe-board.ts';
import { startMaintenance } from '../store/maintenance.ts';
import { HistoryRecorder, type StoreHealth } from '../store/recorder.ts';
import { scanRecordOf } from '../store/scan-record.ts';
import type { Store } from '../store/store.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import { createHttpApp } from './app.ts';
import type { AuthConfig } from './auth.ts';
import { buildInfo } from './build-info.ts';
import { createCollector } from './collector.ts';
import { DEFAULT_MAX_CONNECTIONS, listenHttp } from './http-listener.ts';
import type { ListenAddress } from './listen-address.ts';
import { LiveState } from './live-state.ts';
import { DEFAULT_MAX_STREAMS } from './live-stream.ts';
import { createFleetMetrics } from './metrics.ts';
import { renderProbeGauges } from './probe-exposition.ts';
import { loadStaticAssets } from './static-assets.ts';

/** Everything `fleetmon serve` runs with, resolved and validated by the command. */
export interface ServerOptions {
  /** One whole fleet scan (the scan module over the provider client). */
  readonly scan: (signal: AbortSignal) => Promise<Snapshot>;
  /** Display URL of the provider (no credentials). */
  readonly provider: string;
  readonly rules: HealthRules;
  readonly intervalMs: number;
  /** Where history goes (and the charts read it from); `serve` opens and closes it. */
  readonly store: Store;
  /** Most memory the scans waiting for the store may hold; default 64 MiB. */
  readonly storeBufferBytes?: number;
  readonly listen: ListenAddress;
  readonly auth: AuthConfig;
  /** Names answered besides loopback ones (and, on a listener beyond loopback, IP addresses). */
  readonly allowedHosts?: readonly string[];
  /** Live streams open at once; default 100. */
  readonly maxStreams?: number;
  /** Connections open at once; default 500. Past it new ones are closed unanswered. */
  readonly maxConnections?: number;
  /** Built dashboard directory; `undefined` serves the API only. */
  readonly webRoot: string | undefined;
  readonly log: (line: string) => void;
  /** What the provider client has asked so far, for /metrics. */
  readonly traffic?: () => TrafficSummary | undefined;
  /** Time and timers for everything the server runs; default the system clock. */
  readonly clock?: Clock;
  /** Starts alerting once the server's URL (the link notifications carry) is known. */
  readonly alerts?: (url: string) => Promise<AlertService>;
  /** The configured probes' results, for the API, /metrics and the dashboard. */
  readonly probes?: ProbeReader;
}

/** A running server: listening, and scanning every interval. */
export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly state: LiveState;
  /** The history store's write path. */
  readonly storeHealth: () => StoreHealth;
  /** Alerting, when it was asked for. */
  readonly alerts: AlertService | undefined;
  /**
   * Restarts alerting with what `open` starts (a reloaded config): the running service stops
   * first, so the new one starts from the state the old one kept, as after a restart.
   */
  reloadAlerts(open: (url: string) => Promise<AlertService>): Promise<void>;
  /**
   * Graceful stop: no new connections, live streams end, the scan in flight is aborted,
   * and requests in flight get up to `graceMs` to finish.
   */
  stop(graceMs?: number): Promise<void>;
}

/** Scans the in-memory store keeps to cover `historyMs` at `intervalMs`. */
export function historyCapacity(historyMs: number, intervalMs: number): number {
  return Math.ceil(historyMs / intervalMs) + 1;
}

/** Rollups and pruning run this often (and batch after batch while behind). */
const MAINTENANCE_MS = 10_000;

/** Listens first (so a busy port fails fast), then starts the collector. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const version = buildInfo();
  const { store, probes } = options;
  const state = new LiveState(store.history);
  const recorder = new HistoryRecorder({
    writer: store.writer,
    name: `history store ${store.location}`,
    maxBufferBytes: options.storeBufferBytes ?? 64 * 1024 ** 2,
    clock,
    log: options.log,
  });
  const storeHealth = (): StoreHealth => ({ backend: store.backend, ...recorder.status });
  // Scans reach the store through the recorder's queue: writing never holds up the next scan.
  state.subscribe((event) => {
    if (event.type !== 'scan') return;
    const { view } = event;
    recorder.record(
      scanRecordOf(view.scannedAt, view.durationMs, view.instances, options.rules.minHealthy),
    );
  });
  const maintenance = startMaintenance({
    store: store.maintenance,
    clock,
    everyMs: MAINTENANCE_MS,
    log: options.log,
  });
  const metrics = createFleetMetrics(version, clock, {
    traffic: options.traffic,
    store: storeHealth,
    extra: probes === undefined ? undefined : () => renderProbeGauges(probes.list()),
  });
  const closing = new AbortController();
  let alerts: AlertService | undefined;
  const app = createHttpApp({
    state,
    metrics,
    auth: options.auth,
    hosts: { anyAddress: !options.listen.loopback, allowed: options.allowedHosts ?? [] },
    clock,
    version,
    assets: await loadStaticAssets(options.webRoot),
    settings: { provider: options.provider, intervalMs: options.intervalMs, rules: options.rules },
    closing: closing.signal,
    log: options.log,
    store: storeHealth,
    alerts: () => alerts,
    maxStreams: options.maxStreams ?? DEFAULT_MAX_STREAMS,
    ...(probes === undefined ? {} : { probes }),
  });
  const stopBackground = async () => {
    await maintenance.stop();
    await recorder.close(0);
  };
  const listener = await listenHttp(app, options.listen, {
    maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    log: options.log,
    clock,
  }).catch(async (err: unknown) => {
    await stopBackground();
    throw err;
  });
  let excludeAlertMetrics = (): void => {};
  const startAlerts = async (open: (url: string) => Promise<AlertService>): Promise<void> => {
    alerts = await open(listener.url);
    excludeAlertMetrics = metrics.include(alerts.metrics.registry);
  };
  if (options.alerts !== undefined) {
    try {
      await startAlerts(options.alerts);
    } catch (err) {
      await listener.close(0);
      await stopBackground();
      throw err;
    }
  }
  const collector = createCollector({
    scan: options.scan,
    rules: options.rules,
    intervalMs: options.intervalMs,
    state,
    metrics,
    clock,
    log: options.log,
    alerts: () => alerts,
  });
  collector.start();
  let stopping: Promise<void> | undefined;
  return {
    url: listener.url,
    port: listener.port,
    state,
    storeHealth,
    get alerts() {
      return alerts;
    },
    async reloadAlerts(open) {
      const running = alerts;
      // Scans that end meanwhile are not evaluated; the next one is.
      alerts = undefined;
      await running?.stop();
      excludeAlertMetrics();
      await startAlerts(open);
    },
    stop(graceMs = 5_000) {
      stopping ??= (async () => {
        closing.abort();
        const closed = listener.close(graceMs);
        await collector.stop();
        await alerts?.stop();
        await maintenance.stop();
        await recorder.close(graceMs);
        await closed;
      })();
      return stopping;
    },
  };
}
