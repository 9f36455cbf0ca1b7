import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SilenceState } from '../core/alert-types.ts';
import { DELIVERY_RESULTS, type DeliveryResult } from './deliverer.ts';

/** What the alert metrics read when scraped. */
export interface AlertMetricsSource {
  alertCounts(): { pending: number; firing: number; silenced: number };
  silenceCounts(): Record<SilenceState, number>;
  /** Notifications in the outbox per receiver, as last read (a scrape does not touch the store). */
  queued(): ReadonlyMap<string, number>;
}

/** Alerting's series, on a registry of their own that `/metrics` renders with the rest. */
export interface AlertMetrics {
  readonly registry: Registry;
  recordDelivery(receiver: string, result: DeliveryResult): void;
  observeEvaluation(seconds: number): void;
}

/**
 * `fleetmon_alerts{state}`, `fleetmon_alerts_silenced`, `fleetmon_silences{state}`,
 * `fleetmon_notifications_total{receiver,result}`, `fleetmon_notifications_queued{receiver}`
 * and `fleetmon_alert_evaluation_seconds`.
 */
export function createAlertMetrics(
  receivers: readonly string[],
  source: AlertMetricsSource,
): AlertMetrics {
  const registry = new Registry();
  const registers = [registry];
  new Gauge({
    name: 'fleetmon_alerts',
    help: 'Alerts by state: pending (condition holds, anti-flap not yet met) and firing.',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const counts = source.alertCounts();
      this.set({ state: 'pending' }, counts.pending);
      this.set({ state: 'firing' }, counts.firing);
    },
  });
  new Gauge({
    name: 'fleetmon_alerts_silenced',
    help: 'Firing alerts whose notifications a silence or maintenance window holds.',
    registers,
    collect() {
      this.set(source.alertCounts().silenced);
    },
  });
  new Gauge({
    name: 'fleetmon_silences',
    help: 'Silences by state: pending (not started), active, expired (kept 24h).',
    labelNames: ['state'] as const,
    registers,
    collect() {
      for (const [state, n] of Object.entries(source.silenceCounts())) this.set({ state }, n);
    },
  });
  const notifications = new Counter({
    name: 'fleetmon_notifications_total',
    help: 'Notification delivery attempts by receiver and result: sent, failed (retried), rejected (a 4xx, not retried), expired (given up, too old).',
    labelNames: ['receiver', 'result'] as const,
    registers,
  });
  for (const receiver of receivers) {
    for (const result of DELIVERY_RESULTS) notifications.inc({ receiver, result }, 0);
  }
  new Gauge({
    name: 'fleetmon_notifications_queued',
    help: 'Notifications waiting in the outbox, by receiver.',
    labelNames: ['receiver'] as const,
    registers,
    collect() {
      const queued = source.queued();
      for (const receiver of receivers) this.set({ receiver }, queued.get(receiver) ?? 0);
    },
  });
  const evaluation = new Histogram({
    name: 'fleetmon_alert_evaluation_seconds',
    help: 'Time to evaluate the alert rules over one scan.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers,
  });
  return {
    registry,
    recordDelivery: (receiver, result) => notifications.inc({ receiver, result }),
    observeEvaluation: (seconds) => evaluation.observe(seconds),
  };
}
