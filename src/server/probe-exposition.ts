import type { ProbeStatus } from '../probe/probe-board.ts';
import { escapeLabel } from './exposition.ts';

// The probe families, written by hand like the fleet's (exposition.ts): each probe carries its
// own labels from the config file, which prom-client's fixed label names cannot express.

const FAMILIES = [
  [
    'fleetmon_probe_success',
    '1 when the last run of the probe was ok (up, answering right, clock within its limit), else 0.',
  ],
  [
    'fleetmon_probe_duration_seconds',
    'Time the last run took to get its answer (DNS, connect, TLS and redirects included), or to fail.',
  ],
  ['fleetmon_probe_http_status_code', 'HTTP status of the last answer; absent when none came.'],
  [
    'fleetmon_probe_clock_offset_seconds',
    "The server's clock minus ours at the last run, the middle of the interval; absent without a reading.",
  ],
  [
    'fleetmon_probe_clock_uncertainty_seconds',
    'Half the width of the interval that holds the true clock offset; absent without a reading.',
  ],
  [
    'fleetmon_probe_failure_info',
    'Always 1, for a probe whose last run was not ok; reason says why (dns, connect, tls, timeout, status, body, latency, redirect, too_large, clock_skew, clock_uncertain, no_date, bad_date, bad_timestamp, cached, protocol).',
  ],
  [
    'fleetmon_probe_last_run_timestamp_seconds',
    'Unix time at which the last run of the probe started.',
  ],
] as const;

type FamilyName = (typeof FAMILIES)[number][0];

/** The probe families as exposition text; probes that have not run yet have no series. */
export function renderProbeGauges(probes: readonly ProbeStatus[]): string {
  const lines = new Map<FamilyName, string[]>(FAMILIES.map(([name]) => [name, []]));
  const add = (family: FamilyName, labels: string, value: number) =>
    lines.get(family)?.push(`${family}{${labels}} ${value}`);
  for (const { spec, last } of probes) {
    if (last === undefined) continue;
    const own = Object.keys(spec.labels)
      .sort()
      .map((key) => `,${key}="${escapeLabel(spec.labels[key] ?? '')}"`)
      .join('');
    const labels = `probe="${escapeLabel(spec.name)}"${own}`;
    add('fleetmon_probe_success', labels, last.ok ? 1 : 0);
    add('fleetmon_probe_duration_seconds', labels, (last.durationMs ?? last.latencyMs ?? 0) / 1000);
    if (last.status !== null) add('fleetmon_probe_http_status_code', labels, last.status);
    if (last.offsetMs !== null)
      add('fleetmon_probe_clock_offset_seconds', labels, last.offsetMs / 1000);
    if (last.uncertaintyMs !== null) {
      add('fleetmon_probe_clock_uncertainty_seconds', labels, last.uncertaintyMs / 1000);
    }
    if (!last.ok && last.failure !== null) {
      add(
        'fleetmon_probe_failure_info',
        `probe="${escapeLabel(spec.name)}",reason="${last.failure}"${own}`,
        1,
      );
    }
    add('fleetmon_probe_last_run_timestamp_seconds', labels, last.ts / 1000);
  }
  let text = '';
  for (const [name, help] of FAMILIES) {
    text += `# HELP ${name} ${help}\n# TYPE ${name} gauge\n`;
    for (const line of lines.get(name) ?? []) text += `${line}\n`;
  }
  return text;
}
