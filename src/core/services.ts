import type { HealthRow, HealthRules, InstanceRow, ServiceRow } from './types.ts';

interface Tally {
  instances: number;
  healthy: number;
  unhealthy: number;
  unreachable: number;
  cpuSum: number;
  memorySum: number;
}

/**
 * Per-service statistics, ordered by service name; the group of unreachable
 * instances whose service is unknown (`service: null`) comes last. Means are
 * over the instances that answered, so an outage does not drag them to zero.
 */
export function summarizeServices(rows: readonly InstanceRow[], rules: HealthRules): ServiceRow[] {
  const tallies = new Map<string | null, Tally>();
  for (const row of rows) {
    let t = tallies.get(row.service);
    if (t === undefined) {
      t = { instances: 0, healthy: 0, unhealthy: 0, unreachable: 0, cpuSum: 0, memorySum: 0 };
      tallies.set(row.service, t);
    }
    t.instances++;
    t[row.status]++;
    if (row.cpu !== null && row.memory !== null) {
      t.cpuSum += row.cpu;
      t.memorySum += row.memory;
    }
  }
  const result: ServiceRow[] = [];
  for (const [service, t] of tallies) {
    const answered = t.healthy + t.unhealthy;
    result.push({
      service,
      instances: t.instances,
      healthy: t.healthy,
      unhealthy: t.unhealthy,
      unreachable: t.unreachable,
      cpu: answered === 0 ? null : t.cpuSum / answered,
      memory: answered === 0 ? null : t.memorySum / answered,
      status: t.healthy >= rules.minHealthy ? 'ok' : 'flagged',
    });
  }
  return result.sort((a, b) => compareServiceNames(a.service, b.service));
}

/**
 * Health per known service against the quorum: `ok` with at least
 * `minHealthy` healthy instances (exactly N is ok), `flagged` otherwise.
 * Instances of unknown service cannot count towards any quorum and are left out.
 */
export function healthOf(services: readonly ServiceRow[], rules: HealthRules): HealthRow[] {
  const rows: HealthRow[] = [];
  for (const s of services) {
    if (s.service === null) continue;
    rows.push({
      service: s.service,
      instances: s.instances,
      healthy: s.healthy,
      required: rules.minHealthy,
      status: s.healthy >= rules.minHealthy ? 'ok' : 'flagged',
    });
  }
  return rows;
}

function compareServiceNames(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
