import type { InstanceRow } from '../core/types.ts';
import { instancesFooter } from './footer.ts';
import { type MachineRecord, renderCsv, renderJson, renderNdjson } from './machine.ts';
import type { RenderOptions } from './options.ts';
import { formatPercent } from './percent.ts';
import { statusCell } from './status.ts';
import { type Cell, type Column, layoutTable } from './table.ts';

const FIELDS = ['ip', 'service', 'status', 'cpu', 'memory', 'error'] as const;

/** Shown where a row has no service name. */
export const UNKNOWN_SERVICE = '(unknown)';

/** The `instances` command's output in the requested format. */
export function renderInstances(rows: readonly InstanceRow[], opts: RenderOptions): string {
  switch (opts.format) {
    case 'table':
    case 'wide':
      return `${[...instanceTableLines(rows, opts), instancesFooter(rows, opts.rules, opts.color)].join('\n')}\n`;
    case 'json':
      return renderJson(rows.map(instanceRecord));
    case 'ndjson':
      return renderNdjson(rows.map(instanceRecord));
    case 'csv':
      return renderCsv(FIELDS, rows.map(instanceRecord));
  }
}

/**
 * The contract's JSON row, rebuilt so key order never depends on how the row was made;
 * `error` is `undefined` (so JSON omits it) on rows that answered.
 */
export function instanceRecord(row: InstanceRow): MachineRecord<(typeof FIELDS)[number]> {
  return {
    ip: row.ip,
    service: row.service,
    status: row.status,
    cpu: row.cpu,
    memory: row.memory,
    error: row.error,
  };
}

/**
 * An instance table without footer (shared with `monitor`): REASON appears only when a
 * row is unreachable, always in `wide`, and is cut to fit `opts.width`.
 */
export function instanceTableLines(rows: readonly InstanceRow[], opts: RenderOptions): string[] {
  if (rows.length === 0) return ['no instances'];
  const withReason = opts.format === 'wide' || rows.some((row) => row.status === 'unreachable');
  const columns: Column[] = [
    { header: 'IP', align: 'left' },
    { header: 'SERVICE', align: 'left' },
    { header: 'STATUS', align: 'left' },
    { header: 'CPU', align: 'right' },
    { header: 'MEMORY', align: 'right' },
  ];
  if (withReason) columns.push({ header: 'REASON', align: 'left', shrink: true });
  const cells = rows.map((row) => {
    const line: Cell[] = [
      { text: row.ip },
      { text: row.service ?? UNKNOWN_SERVICE },
      statusCell(row.status),
      { text: formatPercent(row.cpu) },
      { text: formatPercent(row.memory) },
    ];
    if (withReason) line.push({ text: row.error ?? '' });
    return line;
  });
  return layoutTable(columns, cells, opts);
}
