import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { TrafficSummary } from '../core/types.ts';
import type { StoreHealth } from '../store/recorder.ts';
import type { Clock } from '../time/clock.ts';
import type { VersionInfo } from './build-info.ts';
import { renderFleetGauges } from './exposition.ts';
import type { FleetView } from './fleet-view.ts';
import { reasonOf, SCAN_ERROR_REASONS, type ScanErrorReason } from './scan-error-reason.ts';
import { registerStoreMetrics } from './store-metrics.ts';

/** The Prometheus side of the server: fed by the collector, rendered by `/metrics`. */
export interface FleetMetrics {
  /** `Content-Type` of the exposition. */
  readonly contentType: string;
  /** Replaces every instance and service series with those of the scan (gone instances vanish). */
  recordScan(view: FleetView): void;
  /** Counts a scan that produced no view at all. */
  recordFailedScan(durationMs: number): void;
  /** The current exposition (see {@link Exposition}). */
  render(): Promise<Exposition>;
  /**
   * Adds a registry whose series change between scans (alerting's), rendered like the process
   * series; the function returned takes it out again.
   */
  include(registry: Registry): () => void;
}

/**
 * One rendering of /metrics, shared by every scrape within a second: the fleet series are
 * rendered once per scan, the process series at most once a second, and gzip (what
 * Prometheus asks for) at most once per rendering.
 */
export interface Exposition {
  readonly body: Uint8Array;
  gzip(): Promise<Uint8Array>;
}

/** How long one rendering of the process series is served. */
const PROCESS_TTL_MS = 1000;
const gzipAsync = promisify(gzip);

// Scans of 150 instances take tens of ms, 100k instances tens of seconds.
const SCAN_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * Builds the metrics on registries of their own (no global default registry). The large
 * per-instance families are written by exposition.ts; prom-client keeps the counters, the
 * histogram, build info and the standard process metrics.
 */
export function createFleetMetrics(
  version: VersionInfo,
  clock: Clock,
  sources: {
    /** What the provider client has asked so far. */
    readonly traffic?: (() => TrafficSummary | undefined) | undefined;
    /** The history store's write path. */
    readonly store?: (() => StoreHealth) | undefined;
    /** More exposition text (the probes' families), read at most once per rendering. */
    readonly extra?: (() => string) | undefined;
  } = {},
): FleetMetrics {
  const { traffic, store, extra } = sources;
  const scanRegistry = new Registry();
  const processRegistry = new Registry();
  collectDefaultMetrics({ register: processRegistry });
  // Read at each rendering of the process part (at most once a second), not once per scan.
  if (store !== undefined) registerStoreMetrics([processRegistry], store);
  const liveRegistries: Registry[] = [processRegistry];
  const registers = [scanRegistry];
  if (traffic !== undefined) registerProviderMetrics(registers, traffic);
  const duration = new Histogram({
    name: 'fleetmon_scan_duration_seconds',
    help: 'Wall time of whole fleet scans, failed ones included.',
    buckets: SCAN_BUCKETS,
    registers,
  });
  const scans = new Counter({
    name: 'fleetmon_scans_total',
    help: 'Fleet scans attempted, by result (success or failure).',
    labelNames: ['result'] as const,
    registers,
  });
  const errors = new Counter({
    name: 'fleetmon_scan_errors_total',
    help: 'Errors met while scanning: unreadable instances and failed listings, by reason.',
    labelNames: ['reason'] as const,
    registers,
  });
  const lastSuccess = new Gauge({
    name: 'fleetmon_last_successful_scan_timestamp_seconds',
    help: 'Unix time at which the last successful scan finished.',
    registers,
  });
  const buildInfo = new Gauge({
    name: 'fleetmon_build_info',
    help: 'Always 1; labels name the running build.',
    labelNames: ['version', 'build', 'commit'] as const,
    registers,
  });
  buildInfo.set({ version: version.version, build: version.build, commit: version.commit }, 1);
  // Every reason and result exists from the start, so rate() sees a 0 before the first error.
  for (const reason of SCAN_ERROR_REASONS) errors.inc({ reason }, 0);
  for (const result of ['success', 'failure']) scans.inc({ result }, 0);

  const encoder = new TextEncoder();
  let latest: FleetView | undefined;
  // Everything but the process series changes only when a scan lands: render it once per scan.
  let cached: Promise<Uint8Array> | undefined;
  let current: { readonly builtAt: number; readonly exposition: Promise<Exposition> } | undefined;
  const renderScanPart = async (): Promise<Uint8Array> =>
    encoder.encode(`${await scanRegistry.metrics()}${renderFleetGauges(latest)}`);
  const build = async (): Promise<Exposition> => {
    cached ??= renderScanPart();
    const [scanPart, processText] = await Promise.all([
      cached,
      Promise.all(liveRegistries.map((r) => r.metrics())).then((texts) => texts.join('')),
    ]);
    // prom-client prints NaN as `Nan` (the event-loop gauges before their first sample);
    // Prometheus' parser forgives it, the exposition format spells it `NaN`.
    const processPart = encoder.encode(processText.replace(/ Nan$/gm, ' NaN'));
    const extraPart = encoder.encode(extra?.() ?? '');
    const body = new Uint8Array(processPart.length + scanPart.length + extraPart.length);
    body.set(processPart, 0);
    body.set(scanPart, processPart.length);
    body.set(extraPart, processPart.length + scanPart.length);
    let zipped: Promise<Uint8Array> | undefined;
    return { body, gzip: () => (zipped ??= gzipAsync(body, { level: 1 })) };
  };
  const invalidate = (): void => {
    cached = undefined;
    current = undefined;
  };

  return {
    contentType: scanRegistry.contentType,
    recordScan(view) {
      invalidate();
      latest = view;
      const counts = new Map<ScanErrorReason, number>();
      for (const row of view.instances) {
        if (row.error === undefined) continue;
        const reason = reasonOf(row.error);
        counts.set(reason, (counts.get(reason) ?? 0) + 1);
      }
      for (const [reason, count] of counts) errors.inc({ reason }, count);
      lastSuccess.set(clock.wallNow() / 1000);
      duration.observe(view.durationMs / 1000);
      scans.inc({ result: 'success' });
    },
    recordFailedScan(durationMs) {
      invalidate();
      duration.observe(durationMs / 1000);
      scans.inc({ result: 'failure' });
      errors.inc({ reason: 'list_failed' });
    },
    include(registry) {
      liveRegistries.push(registry);
      current = undefined;
      return () => {
        const at = liveRegistries.indexOf(registry);
        if (at >= 0) liveRegistries.splice(at, 1);
        current = undefined;
      };
    },
    render() {
      const at = clock.now();
      if (current === undefined || at - current.builtAt > PROCESS_TTL_MS) {
        current = { builtAt: at, exposition: build() };
      }
      return current.exposition;
    },
  };
}

/** The provider client's running totals, as counters: name, help, and where to read it. */
const PROVIDER_TOTALS: ReadonlyArray<readonly [string, string, (t: TrafficSummary) => number]> = [
  [
    'fleetmon_provider_requests_total',
    'Requests sent to the provider, retries included.',
    (t) => t.requests,
  ],
  [
    'fleetmon_provider_retries_total',
    'Requests that retried a failed attempt (network error, timeout, 429, 5xx).',
    (t) => t.retries,
  ],
  [
    'fleetmon_provider_connections_total',
    'Connections opened to the provider.',
    (t) => t.connections,
  ],
  [
    'fleetmon_provider_connects_resent_total',
    "Connects sent again because the provider's listen queue was full (a dropped SYN).",
    (t) => t.resentConnects,
  ],
  [
    'fleetmon_provider_pipelined_total',
    'Requests sent behind an answer whose head came without its body (a server that writes them apart).',
    (t) => t.pipelined,
  ],
  [
    'fleetmon_provider_window_cuts_total',
    'Times the adaptive concurrency window was cut (slow answers, timeouts, resets, 429, 503).',
    (t) => t.window.decreases,
  ],
];

/**
 * What the provider client has done since the server started, read when the scan part of the
 * exposition is rendered (once per scan): a rising `fleetmon_provider_retries_total` or
 * `fleetmon_provider_connects_resent_total`, or a window below `--concurrency`, says the
 * provider is struggling before instances turn unreachable.
 */
function registerProviderMetrics(
  registers: Registry[],
  traffic: () => TrafficSummary | undefined,
): void {
  for (const [name, help, read] of PROVIDER_TOTALS) {
    new Counter({
      name,
      help,
      registers,
      collect() {
        const now = traffic();
        this.reset();
        if (now !== undefined) this.inc(read(now));
      },
    });
  }
  new Gauge({
    name: 'fleetmon_provider_window',
    help: 'Requests the adaptive window allows in flight now (at most --concurrency).',
    registers,
    collect() {
      const now = traffic();
      if (now !== undefined) this.set(now.window.limit);
    },
  });
}
