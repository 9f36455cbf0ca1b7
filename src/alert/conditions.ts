import type { Labels } from '../core/alert-types.ts';
import { formatDuration } from '../core/duration.ts';
import type { ProbeResult } from '../core/probe-types.ts';
import type { HealthRow, InstanceRow, ServiceRow } from '../core/types.ts';
import type { CompiledRule } from './compile.ts';
import type { TemplateValues } from './template.ts';

/** One completed scan as alerting sees it (the server's FleetView is one). */
export interface ScanObservation {
  /** Epoch ms. */
  readonly scannedAt: number;
  readonly instances: readonly InstanceRow[];
  readonly services: readonly ServiceRow[];
  readonly health: readonly HealthRow[];
}

/** How the scanner is doing, for `scans-stale`. */
export interface ScanHealth {
  /** Epoch ms of the last successful scan; `undefined` before the first. */
  readonly lastSuccessAt: number | undefined;
  /** Epoch ms when scanning started (the age before any success counts from here). */
  readonly startedAt: number;
  readonly intervalMs: number;
  /** Why the last scan failed, when it did. */
  readonly lastError: string | undefined;
}

/** Something a rule found failing: its identity within the rule, its labels and template values. */
export interface Candidate {
  /** Unique within the rule: the service, the instance's IP, the probe's name. */
  readonly key: string;
  /** The kind's labels (service, instance, probe); empty values left out. */
  readonly labels: Labels;
  readonly values: TemplateValues;
}

/** What one scan says about one scan rule: what fails, and what it cannot judge this time. */
export interface ScanVerdict {
  readonly failing: readonly Candidate[];
  /** Keys neither failing nor passing (a service whose instances all failed has no mean cpu). */
  readonly skipped: ReadonlySet<string> | undefined;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Failing candidates of a scan rule. Keys a rule tracked that are absent here (an instance that
 * answered, or left the listing) count as passing.
 */
export function scanVerdict(rule: CompiledRule, scan: ScanObservation): ScanVerdict {
  switch (rule.kind) {
    case 'service-flagged':
      return { failing: flaggedServices(rule, scan), skipped: NONE };
    case 'instance-unreachable': {
      const failing: Candidate[] = [];
      for (const row of scan.instances) {
        if (row.status !== 'unreachable') continue;
        // An unreachable instance rarely says its service; the evaluator looks it up once,
        // when the alert is new, in the scan before (see AlertEvaluator).
        const { service } = row;
        failing.push({
          key: row.ip,
          labels: service === null ? { instance: row.ip } : { instance: row.ip, service },
          values: { instance: row.ip, service: service ?? 'service unknown', error: row.error },
        });
      }
      return { failing, skipped: NONE };
    }
    case 'service-cpu':
    case 'service-memory':
      return meanAbove(rule, scan.services, rule.kind === 'service-cpu' ? 'cpu' : 'memory');
    default:
      return { failing: [], skipped: NONE };
  }
}

function flaggedServices(rule: CompiledRule, scan: ScanObservation): Candidate[] {
  const failing: Candidate[] = [];
  let byName: Map<string | null, ServiceRow> | undefined;
  for (const row of scan.health) {
    const required = rule.minHealthy ?? row.required;
    if (row.healthy >= required) continue;
    byName ??= new Map(scan.services.map((s) => [s.service, s]));
    const stats = byName.get(row.service);
    failing.push({
      key: row.service,
      labels: { service: row.service },
      values: {
        service: row.service,
        healthy: row.healthy,
        required,
        instances: row.instances,
        unhealthy: stats?.unhealthy,
        unreachable: stats?.unreachable,
      },
    });
  }
  return failing;
}

function meanAbove(
  rule: CompiledRule,
  services: readonly ServiceRow[],
  metric: 'cpu' | 'memory',
): ScanVerdict {
  const failing: Candidate[] = [];
  const skipped = new Set<string>();
  for (const row of services) {
    if (row.service === null) continue;
    const mean = row[metric];
    if (mean === null) {
      skipped.add(row.service);
      continue;
    }
    if (mean < rule.threshold) continue;
    failing.push({
      key: row.service,
      labels: { service: row.service },
      values: {
        service: row.service,
        value: mean,
        threshold: rule.threshold,
        instances: row.instances,
      },
    });
  }
  return { failing, skipped };
}

/**
 * What one probe result says about a probe rule: failing (with its candidate), passing, or
 * nothing (`clock-skewed` cannot judge a probe that got no answer).
 */
export function probeVerdict(
  rule: CompiledRule,
  result: ProbeResult,
): { failing: Candidate } | 'pass' | 'skip' {
  const labels = { probe: result.probe };
  const values: TemplateValues = {
    probe: result.probe,
    url: result.url,
    reason: result.reason ?? '',
    status: result.status,
    latency: result.latencyMs === null ? null : formatDuration(result.latencyMs),
    offset: result.offsetMs === null ? null : signed(result.offsetMs),
    uncertainty: result.uncertaintyMs === null ? null : formatDuration(result.uncertaintyMs),
  };
  if (rule.kind === 'probe-failing') {
    return result.verdict === 'down' ? { failing: { key: result.probe, labels, values } } : 'pass';
  }
  if (rule.kind === 'clock-skewed') {
    if (result.verdict === 'skewed') return { failing: { key: result.probe, labels, values } };
    return result.verdict === 'ok' ? 'pass' : 'skip';
  }
  return 'skip';
}

/** The one candidate of `scans-stale` when no scan has succeeded for `intervals` intervals. */
export function staleVerdict(
  rule: CompiledRule,
  health: ScanHealth,
  now: number,
): Candidate | undefined {
  const since = health.lastSuccessAt ?? health.startedAt;
  const age = now - since;
  if (age < rule.intervals * health.intervalMs) return undefined;
  return {
    key: 'scans',
    labels: {},
    values: {
      age: formatDuration(Math.round(age / 1000) * 1000),
      lastScan:
        health.lastSuccessAt === undefined ? 'never' : new Date(health.lastSuccessAt).toISOString(),
      intervals: rule.intervals,
      error: health.lastError ?? 'no scan has finished',
    },
  };
}

function signed(ms: number): string {
  return `${ms < 0 ? '-' : '+'}${formatDuration(Math.abs(ms))}`;
}
