import type { HealthRow } from '../core/types.ts';
import { servicesFooter } from './footer.ts';
import { type MachineRecord, renderCsv, renderJson, renderNdjson } from './machine.ts';
import type { RenderOptions } from './options.ts';
import { statusCell } from './status.ts';
import { type Cell, type Column, layoutTable } from './table.ts';

const FIELDS = ['service', 'instances', 'healthy', 'required', 'status'] as const;

/** The `health` command's output in the requested format. */
export function renderHealth(rows: readonly HealthRow[], opts: RenderOptions): string {
  switch (opts.format) {
    case 'table':
    case 'wide':
      return `${[...healthTableLines(rows, opts), servicesFooter(rows, opts.rules, opts.color)].join('\n')}\n`;
    case 'json':
      return renderJson(rows.map(healthRecord));
    case 'ndjson':
      return renderNdjson(rows.map(healthRecord));
    case 'csv':
      return renderCsv(FIELDS, rows.map(healthRecord));
  }
}

/** The contract's JSON row in contract key order. */
function healthRecord(row: HealthRow): MachineRecord<(typeof FIELDS)[number]> {
  return {
    service: row.service,
    instances: row.instances,
    healthy: row.healthy,
    required: row.required,
    status: row.status,
  };
}

/** `wide` adds MISSING: how many more healthy instances a flagged service needs. */
function healthTableLines(rows: readonly HealthRow[], opts: RenderOptions): string[] {
  if (rows.length === 0) return ['no services'];
  const wide = opts.format === 'wide';
  const columns: Column[] = [
    { header: 'SERVICE', align: 'left' },
    { header: 'HEALTHY', align: 'right' },
    { header: 'REQUIRED', align: 'right' },
    { header: 'INSTANCES', align: 'right' },
  ];
  if (wide) columns.push({ header: 'MISSING', align: 'right' });
  columns.push({ header: 'STATUS', align: 'left' });
  const cells = rows.map((row) => {
    const line: Cell[] = [
      { text: row.service },
      { text: String(row.healthy) },
      { text: String(row.required) },
      { text: String(row.instances) },
    ];
    if (wide) line.push({ text: String(Math.max(0, row.required - row.healthy)) });
    line.push(statusCell(row.status));
    return line;
  });
  return layoutTable(columns, cells, opts);
}
