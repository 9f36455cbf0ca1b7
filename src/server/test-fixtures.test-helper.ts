import type { AlertsApi } from '../alert/alert-service.ts';
import type { Reading, Snapshot } from '../core/types.ts';
import { createMemoryStore } from '../store/memory/memory-store.ts';
import type { StoreHealth } from '../store/recorder.ts';
import { scanRecordOf } from '../store/scan-record.ts';
import { FakeClock } from '../time/fake-clock.test-helper.ts';
import { createHttpApp, type HttpAppDeps } from './app.ts';
import type { AuthConfig } from './auth.ts';
import { buildFleetView } from './fleet-view.ts';
import { LiveState } from './live-state.ts';
import { createFleetMetrics } from './metrics.ts';
import type { StaticAssets } from './static-assets.ts';

/** The default rules (docs/architecture.md §2). */
export const RULES = { maxCpu: 75, maxMemory: 75, minHealthy: 2 };

/** A reading that answered. */
export const ok = (ip: string, service: string, cpu: number, memory: number): Reading => ({
  ip,
  ok: true,
  stats: { service, cpu, memory },
  attempts: 1,
});

/** A reading that failed. */
export const failed = (ip: string, error: string, service: string | null = null): Reading => ({
  ip,
  ok: false,
  service,
  error,
  attempts: 3,
});

/** A snapshot of `readings` taken at `startedAt`. */
export const snapshotOf = (readings: Reading[], startedAt = 1_700_000_000_000): Snapshot => ({
  startedAt,
  durationMs: 42,
  readings,
});

/** A small fleet: A ok (2 healthy), B flagged (1 unhealthy, 1 unreachable). */
export const FLEET: Reading[] = [
  ok('10.0.0.10', 'A', 10, 20),
  ok('10.0.0.2', 'A', 30, 40),
  ok('10.0.1.1', 'B', 90, 10),
  failed('10.0.0.3', 'HTTP 503', 'B'),
];

/** An app over real state, metrics and an in-memory history store, with nothing listening. */
export function testApp(
  options: {
    auth?: AuthConfig;
    assets?: StaticAssets;
    clock?: FakeClock;
    alerts?: AlertsApi;
    store?: () => StoreHealth;
  } = {},
) {
  const clock = options.clock ?? new FakeClock({ wallStart: 1_700_000_000_500 });
  const store = createMemoryStore({ windowMs: 3_600_000, maxScans: 10 });
  const state = new LiveState(store.history);
  // What serve's recorder does, without its queue: every scan goes to the store at once.
  state.subscribe((event) => {
    if (event.type !== 'scan') return;
    const { view } = event;
    void store.writer.writeScan(scanRecordOf(view.scannedAt, view.durationMs, view.instances, 2));
  });
  const metrics = createFleetMetrics({ version: '1.2.3', build: '7', commit: 'abc123' }, clock);
  const deps: HttpAppDeps = {
    state,
    metrics,
    auth: options.auth ?? {},
    clock,
    version: { version: '1.2.3', build: '7', commit: 'abc123' },
    assets: options.assets ?? new Map(),
    settings: { provider: 'http://127.0.0.1:9001', intervalMs: 15_000, rules: RULES },
    alerts: () => options.alerts,
    ...(options.store === undefined ? {} : { store: options.store }),
  };
  let seq = 0;
  const publish = (readings: Reading[] = FLEET, startedAt?: number) => {
    const view = buildFleetView(snapshotOf(readings, startedAt), RULES, ++seq);
    metrics.recordScan(view);
    state.publish(view);
    return view;
  };
  return { app: createHttpApp(deps), state, metrics, publish, clock };
}
