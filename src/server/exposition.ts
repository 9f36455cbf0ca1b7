import type { FleetView } from './fleet-view.ts';

// The per-instance and per-service families, written by hand rather than through prom-client,
// which was the bottleneck of /metrics at 10k instances (docs/tuning.md). This writes the same
// text once per scan. The format (text 0.0.4) is checked by test/helpers/prom-text.ts, a parser
// written from the spec.

interface FamilySpec {
  readonly name: string;
  readonly help: string;
}

const FAMILIES = {
  cpu: {
    name: 'fleetmon_instance_cpu_percent',
    help: 'CPU use of an instance in percent (0-100); absent while unreachable.',
  },
  memory: {
    name: 'fleetmon_instance_memory_percent',
    help: 'Memory use of an instance in percent (0-100); absent while unreachable.',
  },
  healthy: {
    name: 'fleetmon_instance_healthy',
    help: '1 when the instance is below the cpu and memory limits, 0 when unhealthy or unreachable.',
  },
  up: {
    name: 'fleetmon_instance_up',
    help: '1 when the provider returned usable stats for the instance in the last scan, 0 when unreachable.',
  },
  serviceInstances: {
    name: 'fleetmon_service_instances',
    help: 'Instances listed for the service in the last scan.',
  },
  serviceHealthy: {
    name: 'fleetmon_service_healthy_instances',
    help: 'Healthy instances of the service in the last scan.',
  },
  serviceRequired: {
    name: 'fleetmon_service_required_healthy_instances',
    help: 'Healthy instances a service needs to be ok (--min-healthy).',
  },
  serviceFlagged: {
    name: 'fleetmon_service_flagged',
    help: '1 when the service has fewer healthy instances than required, else 0.',
  },
  instances: {
    name: 'fleetmon_instances',
    help: 'Instances listed by the provider in the last scan.',
  },
} as const satisfies Record<string, FamilySpec>;

/** Escapes a label value: backslash, double quote and line feed (text format 0.0.4). */
export function escapeLabel(value: string): string {
  return /[\\"\n]/.test(value)
    ? value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')
    : value;
}

function header(family: FamilySpec): string {
  return `# HELP ${family.name} ${family.help}\n# TYPE ${family.name} gauge\n`;
}

/**
 * The fleet's gauges as exposition text; instances that are not in the view have no series,
 * so instances that disappeared vanish from the next scrape.
 */
export function renderFleetGauges(view: FleetView | undefined): string {
  if (view === undefined) {
    return Object.values(FAMILIES).map(header).join('');
  }
  const labels = view.instances.map(
    (row) => `{ip="${escapeLabel(row.ip)}",service="${escapeLabel(row.service ?? '')}"}`,
  );
  let cpu = header(FAMILIES.cpu);
  let memory = header(FAMILIES.memory);
  let healthy = header(FAMILIES.healthy);
  let up = header(FAMILIES.up);
  view.instances.forEach((row, i) => {
    const l = labels[i];
    if (row.cpu !== null) cpu += `${FAMILIES.cpu.name}${l} ${row.cpu}\n`;
    if (row.memory !== null) memory += `${FAMILIES.memory.name}${l} ${row.memory}\n`;
    healthy += `${FAMILIES.healthy.name}${l} ${row.status === 'healthy' ? 1 : 0}\n`;
    up += `${FAMILIES.up.name}${l} ${row.status === 'unreachable' ? 0 : 1}\n`;
  });
  let service = '';
  const perService = [
    [FAMILIES.serviceInstances, (h: (typeof view.health)[number]) => h.instances],
    [FAMILIES.serviceHealthy, (h: (typeof view.health)[number]) => h.healthy],
    [FAMILIES.serviceRequired, (h: (typeof view.health)[number]) => h.required],
    [
      FAMILIES.serviceFlagged,
      (h: (typeof view.health)[number]) => (h.status === 'flagged' ? 1 : 0),
    ],
  ] as const;
  for (const [family, value] of perService) {
    service += header(family);
    for (const h of view.health) {
      service += `${family.name}{service="${escapeLabel(h.service)}"} ${value(h)}\n`;
    }
  }
  const total = `${header(FAMILIES.instances)}${FAMILIES.instances.name} ${view.instances.length}\n`;
  return cpu + memory + healthy + up + service + total;
}
