import { formatMs, formatOffset, probeRecord } from '../core/probe-record.ts';
import type { ProbeResult, ProbeVerdict } from '../core/probe-types.ts';
import { renderCsv, renderJson, renderNdjson } from './machine.ts';
import type { OutputFormat } from './options.ts';
import { paint, type Sgr } from './style.ts';
import { type Cell, type Column, layoutTable } from './table.ts';
import { plural } from './text.ts';

/** What rendering probe results needs besides the results. */
export interface ProbeRenderOptions {
  readonly format: OutputFormat;
  readonly color: boolean;
  readonly width?: number | undefined;
}

const FIELDS = [
  'name',
  'url',
  'ts',
  'ok',
  'verdict',
  'status',
  'latencySeconds',
  'offsetSeconds',
  'uncertaintySeconds',
  'clockSource',
  'failure',
  'reason',
] as const;

const VERDICT_STYLE: Readonly<Record<ProbeVerdict, Sgr>> = {
  ok: 'green',
  skewed: 'red',
  down: 'red',
  unknown: 'yellow',
};

/** `fleetmon check`'s output in the requested format. */
export function renderProbes(results: readonly ProbeResult[], opts: ProbeRenderOptions): string {
  switch (opts.format) {
    case 'table':
    case 'wide':
      return `${[...probeTableLines(results, opts), probesFooter(results, opts.color)].join('\n')}\n`;
    case 'json':
      return renderJson(results.map(probeRecord));
    case 'ndjson':
      return renderNdjson(results.map(probeRecord));
    case 'csv':
      return renderCsv(
        FIELDS,
        results.map((r) => {
          const record = probeRecord(r);
          return { ...record, ok: String(record.ok) };
        }),
      );
  }
}

/** `+1.502 s ± 0.60 ms`, or an em dash without a reading. */
export function offsetText(result: ProbeResult): string {
  if (result.offsetMs === null || result.uncertaintyMs === null) return '—';
  return `${formatOffset(result.offsetMs)} ± ${formatMs(result.uncertaintyMs)}`;
}

function probeTableLines(results: readonly ProbeResult[], opts: ProbeRenderOptions): string[] {
  if (results.length === 0) return ['no probes'];
  const wide = opts.format === 'wide';
  // A one-shot check of URLs names each probe by its URL: one column is enough then.
  const named = results.some((r) => r.probe !== r.url);
  const columns: Column[] = [{ header: named ? 'PROBE' : 'URL', align: 'left' }];
  if (named && wide) columns.push({ header: 'URL', align: 'left' });
  columns.push(
    { header: 'VERDICT', align: 'left' },
    { header: 'STATUS', align: 'right' },
    { header: 'LATENCY', align: 'right' },
    { header: 'OFFSET', align: 'right' },
  );
  if (wide)
    columns.push({ header: 'CLOCK', align: 'left' }, { header: 'REQUESTS', align: 'right' });
  columns.push({ header: 'REASON', align: 'left', shrink: true });
  const rows = results.map((r) => {
    const cells: Cell[] = [{ text: r.probe }];
    if (named && wide) cells.push({ text: r.url });
    cells.push(
      { text: r.verdict, style: VERDICT_STYLE[r.verdict] },
      { text: r.status === null ? '—' : String(r.status) },
      { text: r.latencyMs === null ? '—' : formatMs(r.latencyMs) },
      { text: offsetText(r) },
    );
    if (wide) cells.push({ text: r.clockSource ?? '—' }, { text: String(r.requests ?? '—') });
    cells.push({ text: r.reason ?? '' });
    return cells;
  });
  return layoutTable(columns, rows, opts);
}

/** Counts by verdict, and what the offset column means when there is one. */
function probesFooter(results: readonly ProbeResult[], color: boolean): string {
  const count = (verdict: ProbeVerdict) => results.filter((r) => r.verdict === verdict).length;
  const tally = `${plural(results.length, 'probe')}: ${count('ok')} ok, ${count('skewed')} skewed, ${count('down')} down, ${count('unknown')} unknown`;
  const clock = results.some((r) => r.offsetMs !== null)
    ? ' · offset = their clock minus ours, ± the bound on its error'
    : '';
  return paint(tally + clock, 'dim', color);
}
