import type { AlertService } from '../alert/alert-service.ts';
import type { HealthRules, Snapshot, TrafficSummary } from '../core/types.ts';
import type { ProbeReader } from '../probe/probe-board.ts';
import { MemoryHistory } from '../store/memory-history.ts';
import { systemClock } from '../time/clock.ts';
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
  /** Retained chart history in ms. */
  readonly historyMs: number;
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
  /** Epoch ms; default the system clock's. */
  readonly now?: () => number;
  /** What the provider client has asked so far, for /metrics. */
  readonly traffic?: () => TrafficSummary | undefined;
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
  /** Alerting, when it was asked for. */
  readonly alerts: AlertService | undefined;
  /**
   * Graceful stop: no new connections, live streams end, the scan in flight is aborted,
   * and requests in flight get up to `graceMs` to finish.
   */
  stop(graceMs?: number): Promise<void>;
}

/** Scans in memory this many times the interval apart, so the ring covers the whole window. */
export function historyCapacity(historyMs: number, intervalMs: number): number {
  return Math.ceil(historyMs / intervalMs) + 1;
}

/** Listens first (so a busy port fails fast), then starts the collector. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const now = options.now ?? (() => systemClock.wallNow());
  const version = buildInfo();
  const history = new MemoryHistory({
    windowMs: options.historyMs,
    capacity: historyCapacity(options.historyMs, options.intervalMs),
  });
  const state = new LiveState(history);
  const { probes } = options;
  const metrics = createFleetMetrics(
    version,
    now,
    options.traffic,
    probes === undefined ? undefined : () => renderProbeGauges(probes.list()),
  );
  const closing = new AbortController();
  let alerts: AlertService | undefined;
  const app = createHttpApp({
    state,
    metrics,
    auth: options.auth,
    hosts: { anyAddress: !options.listen.loopback, allowed: options.allowedHosts ?? [] },
    now,
    version,
    assets: await loadStaticAssets(options.webRoot),
    settings: { provider: options.provider, intervalMs: options.intervalMs, rules: options.rules },
    closing: closing.signal,
    log: options.log,
    alerts: () => alerts,
    maxStreams: options.maxStreams ?? DEFAULT_MAX_STREAMS,
    ...(probes === undefined ? {} : { probes }),
  });
  const listener = await listenHttp(app, options.listen, {
    maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    log: options.log,
  });
  if (options.alerts !== undefined) {
    try {
      alerts = await options.alerts(listener.url);
    } catch (err) {
      await listener.close(0);
      throw err;
    }
    metrics.include(alerts.metrics.registry);
  }
  const collector = createCollector({
    scan: options.scan,
    rules: options.rules,
    intervalMs: options.intervalMs,
    state,
    metrics,
    now,
    log: options.log,
    alerts: () => alerts,
  });
  collector.start();
  let stopping: Promise<void> | undefined;
  return {
    url: listener.url,
    port: listener.port,
    state,
    get alerts() {
      return alerts;
    },
    stop(graceMs = 5_000) {
      stopping ??= (async () => {
        closing.abort();
        const closed = listener.close(graceMs);
        await collector.stop();
        await alerts?.stop();
        await closed;
      })();
      return stopping;
    },
  };
}
