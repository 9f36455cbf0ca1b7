import type { ProbeResult } from '../core/probe-types.ts';
import { healthOf, summarizeServices } from '../core/services.ts';
import { toInstanceRow } from '../core/status.ts';
import type { HealthRules, Reading } from '../core/types.ts';
import { type AlertConfig, compileAlertConfig } from './compile.ts';
import type { ScanObservation } from './conditions.ts';
import { alertsSection, maintenanceSection } from './config-schema.ts';

/** The rules of DESIGN §2. */
export const HEALTH: HealthRules = { maxCpu: 75, maxMemory: 75, minHealthy: 2 };

/** The config a `fleetmon.yaml` with these sections gives, through the real schema. */
export function configOf(
  alerts: unknown = {},
  maintenance?: unknown,
  secrets: Record<string, string> = {},
): AlertConfig {
  return compileAlertConfig(
    alertsSection.parse(alerts),
    maintenance === undefined ? undefined : maintenanceSection.parse(maintenance),
    { health: HEALTH, secret: (name) => secrets[name] },
  );
}

/** An instance that answered. */
export const up = (ip: string, service: string, cpu = 20, memory = 30): Reading => ({
  ip,
  ok: true,
  stats: { service, cpu, memory },
  attempts: 1,
});

/** An instance that did not. */
export const down = (ip: string, error = 'HTTP 503', service: string | null = null): Reading => ({
  ip,
  ok: false,
  service,
  error,
  attempts: 3,
});

/** A scan of `readings` as the server builds it. */
export function scanOf(readings: readonly Reading[], scannedAt = 0): ScanObservation {
  const instances = readings.map((r) => toInstanceRow(r, HEALTH));
  const services = summarizeServices(instances, HEALTH);
  return { scannedAt, instances, services, health: healthOf(services, HEALTH) };
}

/** A probe result with the given verdict. */
export function probe(
  name: string,
  verdict: ProbeResult['verdict'],
  extra: Partial<ProbeResult> = {},
): ProbeResult {
  const ok = verdict === 'ok';
  return {
    probe: name,
    url: `http://127.0.0.1:9001/${name}`,
    ts: 0,
    ok,
    verdict,
    status: verdict === 'down' ? null : 200,
    latencyMs: verdict === 'down' ? null : 12,
    offsetMs: verdict === 'skewed' ? 2500 : verdict === 'ok' ? 40 : null,
    uncertaintyMs: verdict === 'skewed' || verdict === 'ok' ? 6 : null,
    failure: verdict === 'down' ? 'connect' : verdict === 'skewed' ? 'clock_skew' : null,
    reason:
      verdict === 'down' ? 'connection refused' : verdict === 'skewed' ? 'clock off by 2.5s' : null,
    ...extra,
  };
}
