import type { ServiceRow } from '../core/types.ts';
import { servicesFooter } from './footer.ts';
import { UNKNOWN_SERVICE } from './instances.ts';
import { type MachineRecord, renderCsv, renderJson, renderNdjson } from './machine.ts';
import type { RenderOptions } from './options.ts';
import { formatPercent } from './percent.ts';
import { statusCell } from './status.ts';
import { type Cell, type Column, layoutTable } from './table.ts';

const FIELDS = [
  'service',
  'instances',
  'healthy',
  'unhealthy',
  'unreachable',
  'cpu',
  'memory',
  'status',
] as const;

/** The `services` command's output in the requested format. */
export function renderServices(rows: readonly ServiceRow[], opts: RenderOptions): string {
  switch (opts.format) {
    case 'table':
    case 'wide':
      return `${[...servicesTableLines(rows, opts), servicesFooter(rows, opts.rules, opts.color)].join('\n')}\n`;
    case 'json':
      return renderJson(rows.map(serviceRecord));
    case 'ndjson':
      return renderNdjson(rows.map(serviceRecord));
    case 'csv':
      return renderCsv(FIELDS, rows.map(serviceRecord));
  }
}

/** The contract's JSON row in contract key order. */
function serviceRecord(row: ServiceRow): MachineRecord<(typeof FIELDS)[number]> {
  return {
    service: row.service,
    instances: row.instances,
    healthy: row.healthy,
    unhealthy: row.unhealthy,
    unreachable: row.unreachable,
    cpu: row.cpu,
    memory: row.memory,
    status: row.status,
  };
}

/** `wide` adds REQUIRED: the quorum each service was judged against. */
function servicesTableLines(rows: readonly ServiceRow[], opts: RenderOptions): string[] {
  if (rows.length === 0) return ['no services'];
  const wide = opts.format === 'wide';
  const columns: Column[] = [
    { header: 'SERVICE', align: 'left' },
    { header: 'INSTANCES', align: 'right' },
    { header: 'HEALTHY', align: 'right' },
    { header: 'UNHEALTHY', align: 'right' },
    { header: 'UNREACHABLE', align: 'right' },
    { header: 'AVG CPU', align: 'right' },
    { header: 'AVG MEMORY', align: 'right' },
  ];
  if (wide) columns.push({ header: 'REQUIRED', align: 'right' });
  columns.push({ header: 'STATUS', align: 'left' });
  const cells = rows.map((row) => {
    const line: Cell[] = [
      { text: row.service ?? UNKNOWN_SERVICE },
      { text: String(row.instances) },
      { text: String(row.healthy) },
      { text: String(row.unhealthy) },
      { text: String(row.unreachable) },
      { text: formatPercent(row.cpu) },
      { text: formatPercent(row.memory) },
    ];
    if (wide) line.push({ text: String(opts.rules.minHealthy) });
    line.push(statusCell(row.status));
    return line;
  });
  return layoutTable(columns, cells, opts);
}
