import { formatDuration } from '../core/duration.ts';
import type { HistoryEvent, HistorySeries } from '../core/history-types.ts';
import { UNKNOWN_SERVICE } from './instances.ts';
import { type MachineRecord, renderCsv, renderJson, renderNdjson } from './machine.ts';
import type { RenderOptions } from './options.ts';
import { formatPercent } from './percent.ts';
import { sparkline } from './sparkline.ts';
import { statusCell } from './status.ts';
import { paint } from './style.ts';
import { type Cell, type Column, layoutTable } from './table.ts';
import { plural, sanitize } from './text.ts';

/** How history output shows a time: local time for people (injected, so tests stay deterministic). */
export type HistoryTimeFormatter = (ts: number, seconds: boolean) => string;

const SERVICE_FIELDS = [
  'ts',
  'service',
  'scans',
  'instances',
  'healthy',
  'unhealthy',
  'unreachable',
  'cpu',
  'cpuMin',
  'cpuMax',
  'memory',
  'memoryMin',
  'memoryMax',
] as const;

const INSTANCE_FIELDS = [
  'ts',
  'ip',
  'service',
  'samples',
  'status',
  'healthy',
  'unhealthy',
  'unreachable',
  'cpu',
  'cpuMin',
  'cpuMax',
  'memory',
  'memoryMin',
  'memoryMax',
] as const;

const EVENT_FIELDS = [
  'ts',
  'scope',
  'subject',
  'service',
  'kind',
  'from',
  'to',
  'cpu',
  'memory',
  'healthy',
  'instances',
  'reason',
] as const;

/** Widest sparkline in the table header. */
const SPARK_WIDTH = 60;

/**
 * `fleetmon history`: a table with a sparkline of cpu and memory, or one machine row per
 * point. A service's counts are per scan (means over the point's scans when a point holds
 * several); an instance's are its samples in the point.
 */
export function renderHistory(
  series: HistorySeries,
  opts: RenderOptions,
  formatTime: HistoryTimeFormatter,
): string {
  const records = series.ts.map((_, i) => recordOf(series, i));
  const fields = series.ip === undefined ? SERVICE_FIELDS : INSTANCE_FIELDS;
  switch (opts.format) {
    case 'table':
    case 'wide':
      return `${historyLines(series, opts, formatTime).join('\n')}\n`;
    case 'json':
      return renderJson(records);
    case 'ndjson':
      return renderNdjson(records);
    case 'csv':
      return renderCsv(fields as readonly string[], records as MachineRecord<string>[]);
  }
}

/** `fleetmon history --events`: transitions, oldest first. */
export function renderEvents(
  events: readonly HistoryEvent[],
  opts: RenderOptions,
  formatTime: HistoryTimeFormatter,
): string {
  const records = events.map((e) => ({ ...e, ts: new Date(e.ts).toISOString() }));
  switch (opts.format) {
    case 'table':
    case 'wide':
      return `${eventLines(events, opts, formatTime).join('\n')}\n`;
    case 'json':
      return renderJson(records);
    case 'ndjson':
      return renderNdjson(records);
    case 'csv':
      return renderCsv(EVENT_FIELDS, records);
  }
}

function recordOf(series: HistorySeries, i: number): Record<string, string | number | null> {
  const scans = series.scans[i] ?? 0;
  const samples = series.samples[i] ?? 0;
  const healthy = series.healthy[i] ?? 0;
  const unreachable = series.unreachable[i] ?? 0;
  const values = {
    cpu: series.cpu[i] ?? null,
    cpuMin: series.cpuMin[i] ?? null,
    cpuMax: series.cpuMax[i] ?? null,
    memory: series.memory[i] ?? null,
    memoryMin: series.memoryMin[i] ?? null,
    memoryMax: series.memoryMax[i] ?? null,
  };
  const ts = new Date(series.ts[i] ?? 0).toISOString();
  if (series.ip !== undefined) {
    return {
      ts,
      ip: series.ip,
      service: series.service,
      samples,
      status: series.stepMs === null ? statusOf(samples, healthy, unreachable) : null,
      healthy,
      unhealthy: samples - healthy - unreachable,
      unreachable,
      ...values,
    };
  }
  const perScan = (n: number) => (scans === 0 ? 0 : Math.round((n / scans) * 100) / 100);
  return {
    ts,
    service: series.service,
    scans,
    instances: perScan(samples),
    healthy: perScan(healthy),
    unhealthy: perScan(samples - healthy - unreachable),
    unreachable: perScan(unreachable),
    ...values,
  };
}

function statusOf(samples: number, healthy: number, unreachable: number): string | null {
  if (samples === 0) return null;
  if (unreachable > 0) return 'unreachable';
  return healthy > 0 ? 'healthy' : 'unhealthy';
}

function historyLines(
  series: HistorySeries,
  opts: RenderOptions,
  formatTime: HistoryTimeFormatter,
): string[] {
  const seconds = series.stepMs === null || series.stepMs % 60_000 !== 0;
  const subject =
    series.ip === undefined
      ? sanitize(series.service ?? UNKNOWN_SERVICE)
      : `${series.ip} (${sanitize(series.service ?? UNKNOWN_SERVICE)})`;
  const step = series.stepMs === null ? 'every scan' : `step ${formatDuration(series.stepMs)}`;
  const tier = { raw: 'raw samples', minute: 'per-minute rollups', hour: 'per-hour rollups' }[
    series.tier
  ];
  const lines = [
    paint(
      `${subject} · ${formatTime(series.from, false)} → ${formatTime(series.to, false)} · ${step} (${tier})`,
      'bold',
      opts.color,
    ),
  ];
  const answered = series.samples.some((n, i) => n > (series.unreachable[i] ?? 0));
  if (!answered) {
    lines.push(
      series.samples.some((n) => n > 0)
        ? 'no sample with values in this range: every one was unreachable'
        : 'no samples in this range',
    );
    if (series.samples.every((n) => n === 0)) return lines;
  } else {
    lines.push(summaryLine('cpu', series.cpu, series.cpuMin, series.cpuMax));
    lines.push(summaryLine('mem', series.memory, series.memoryMin, series.memoryMax));
  }
  // Rows before the first sample only say the store is younger than the range: one line instead.
  const first = series.samples.findIndex((n) => n > 0);
  if (first > 0) {
    lines.push(`no samples before ${formatTime(series.ts[first] ?? 0, seconds)}`);
  }
  lines.push('');
  const instance = series.ip !== undefined;
  const columns: Column[] = [{ header: 'TIME', align: 'left' }];
  if (instance && series.stepMs === null) columns.push({ header: 'STATUS', align: 'left' });
  else {
    columns.push(
      { header: instance ? 'SAMPLES' : 'INSTANCES', align: 'right' },
      { header: 'HEALTHY', align: 'right' },
      { header: 'UNREACHABLE', align: 'right' },
    );
  }
  columns.push(
    { header: 'CPU', align: 'right' },
    { header: 'MIN', align: 'right' },
    { header: 'MAX', align: 'right' },
    { header: 'MEMORY', align: 'right' },
    { header: 'MIN', align: 'right' },
    { header: 'MAX', align: 'right' },
  );
  const rows = series.ts.slice(Math.max(0, first)).map((ts, k) => {
    const i = k + Math.max(0, first);
    const record = recordOf(series, i);
    const cells: Cell[] = [{ text: formatTime(ts, seconds) }];
    if (instance && series.stepMs === null) {
      const status = record.status as 'healthy' | 'unhealthy' | 'unreachable' | null;
      cells.push(status === null ? { text: '-' } : statusCell(status));
    } else {
      const count = (key: string) => number(record[key] as number);
      cells.push(
        { text: count(instance ? 'samples' : 'instances') },
        { text: count('healthy') },
        { text: count('unreachable') },
      );
    }
    for (const key of ['cpu', 'cpuMin', 'cpuMax', 'memory', 'memoryMin', 'memoryMax']) {
      cells.push({ text: formatPercent(record[key] as number | null) });
    }
    return cells;
  });
  lines.push(...layoutTable(columns, rows, opts));
  return lines;
}

/** `cpu  ▃▄▅▇▆▃  mean 46.6%, min 12%, max 88%` over the whole range. */
function summaryLine(
  label: string,
  means: readonly (number | null)[],
  mins: readonly (number | null)[],
  maxes: readonly (number | null)[],
): string {
  const present = means.filter((v): v is number => v !== null);
  const mean = present.reduce((a, b) => a + b, 0) / present.length;
  const min = Math.min(...mins.filter((v): v is number => v !== null));
  const max = Math.max(...maxes.filter((v): v is number => v !== null));
  const spark = sparkline(squeeze(means, SPARK_WIDTH));
  return `${label.padEnd(4)}${spark}  mean ${formatPercent(mean)}, min ${formatPercent(min)}, max ${formatPercent(max)}`;
}

/** At most `width` values: means of equal runs, NaN where a run had none. */
function squeeze(values: readonly (number | null)[], width: number): number[] {
  const per = Math.max(1, Math.ceil(values.length / width));
  const out: number[] = [];
  for (let at = 0; at < values.length; at += per) {
    const run = values.slice(at, at + per).filter((v): v is number => v !== null);
    out.push(run.length === 0 ? Number.NaN : run.reduce((a, b) => a + b, 0) / run.length);
  }
  return out;
}

/** A count: whole, or a mean per scan to one decimal. */
function number(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function eventLines(
  events: readonly HistoryEvent[],
  opts: RenderOptions,
  formatTime: HistoryTimeFormatter,
): string[] {
  if (events.length === 0) return ['no transitions in this range'];
  const columns: Column[] = [
    { header: 'TIME', align: 'left' },
    { header: 'SUBJECT', align: 'left' },
    { header: 'SERVICE', align: 'left' },
    { header: 'CHANGE', align: 'left' },
    { header: 'CPU', align: 'right' },
    { header: 'MEMORY', align: 'right' },
    { header: 'DETAIL', align: 'left', shrink: true },
  ];
  const rows = events.map((e): Cell[] => [
    { text: formatTime(e.ts, true) },
    { text: e.subject },
    { text: e.service ?? UNKNOWN_SERVICE },
    changeCell(e),
    { text: e.scope === 'instance' && e.kind !== 'gone' ? formatPercent(e.cpu) : '' },
    { text: e.scope === 'instance' && e.kind !== 'gone' ? formatPercent(e.memory) : '' },
    {
      text:
        e.scope === 'service' && e.healthy !== null && e.instances !== null
          ? `${e.healthy} of ${plural(e.instances, 'instance')} healthy`
          : (e.reason ?? ''),
    },
  ]);
  return [...layoutTable(columns, rows, opts), plural(events.length, 'transition')];
}

function changeCell(e: HistoryEvent): Cell {
  const to = e.to === null ? undefined : statusCell(e.to);
  switch (e.kind) {
    case 'appeared':
      return { text: `appeared (${to?.text ?? '?'})`, style: to?.style };
    case 'gone':
      return { text: `gone (was ${e.from ?? '?'})`, style: 'dim' };
    case 'changed':
      return { text: `${e.from ?? '?'} → ${to?.text ?? '?'}`, style: to?.style };
  }
}
