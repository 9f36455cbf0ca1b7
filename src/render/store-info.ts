import { formatDuration } from '../core/duration.ts';
import type { Extent, StoreInfo } from '../core/store-info.ts';
import type { OutputFormat } from './options.ts';
import { paint } from './style.ts';
import { type Cell, type Column, layoutTable } from './table.ts';

/** How store info shows a time (injected: local time for people, fixed in tests). */
export type InfoTimeFormatter = (ts: number) => string;

/**
 * `fleetmon store info`: a block of facts and a table of tiers for people; one JSON object
 * (times in ISO 8601) for machines.
 */
export function renderStoreInfo(
  info: StoreInfo,
  opts: { readonly format: OutputFormat; readonly color: boolean },
  formatTime: InfoTimeFormatter,
): string {
  if (opts.format !== 'table' && opts.format !== 'wide') {
    const record = machineInfo(info);
    return opts.format === 'json'
      ? `${JSON.stringify(record, null, 2)}\n`
      : `${JSON.stringify(record)}\n`;
  }
  const r = info.retention;
  const facts: [string, string][] = [
    ['backend', info.backend],
    ['location', info.location],
    [
      'schema',
      info.schema === null
        ? '-'
        : `${info.schema.version}${info.schema.version < info.schema.latest ? ` (this fleetmon has ${info.schema.latest}: run fleetmon migrate)` : ' (current)'}`,
    ],
    ['size', info.sizeBytes === null ? '-' : formatBytes(info.sizeBytes)],
    [
      'writer',
      info.writer === null
        ? 'none now'
        : `${info.writer.holder}${info.writer.until === null ? '' : ` (lease until ${formatTime(info.writer.until)})`}`,
    ],
    [
      'retention',
      `raw ${formatDuration(r.raw)} · minutes ${formatDuration(r.minute)} · hours ${formatDuration(r.hour)} · events ${formatDuration(r.events)} · probes ${formatDuration(r.probes)}`,
    ],
    ['instances', `${info.instances.present} present, ${info.instances.known} known`],
    ['services', `${info.services.present} present, ${info.services.known} known`],
    [
      'alerting',
      `${info.alerting.firing} firing, ${info.alerting.pending} pending · ${plural(info.alerting.queued, 'notification')} queued · ${plural(info.alerting.silences, 'silence')} in force or to come`,
    ],
  ];
  const width = Math.max(...facts.map(([k]) => k.length));
  const lines = facts.map(([k, v]) => `${paint(k.padEnd(width), 'bold', opts.color)}  ${v}`);
  const columns: Column[] = [
    { header: 'KIND', align: 'left' },
    { header: 'ROWS', align: 'right' },
    { header: 'SAMPLES', align: 'right' },
    { header: 'OLDEST', align: 'left' },
    { header: 'NEWEST', align: 'left' },
    { header: 'ROLLED UP TO', align: 'left' },
  ];
  const time = (ts: number | null | undefined) =>
    ts === null || ts === undefined ? '-' : formatTime(ts);
  const row = (kind: string, extent: Extent, samples?: number, rolled?: number): Cell[] => [
    { text: kind },
    { text: String(extent.rows) },
    { text: samples === undefined ? '' : String(samples) },
    { text: time(extent.oldest) },
    { text: time(extent.newest) },
    { text: rolled === undefined ? '' : time(rolled) },
  ];
  const rows = [
    row('scans', info.scans),
    ...info.tiers.map((t) => row(t.tier, t, t.samples, t.rolledUntil)),
    row('events', info.events),
    row('probe results', info.probeResults),
  ];
  return `${[...lines, '', ...layoutTable(columns, rows, { color: opts.color })].join('\n')}\n`;
}

function machineInfo(info: StoreInfo): unknown {
  const iso = (ts: number | null | undefined) =>
    ts === null || ts === undefined ? null : new Date(ts).toISOString();
  const extent = (e: Extent) => ({ rows: e.rows, oldest: iso(e.oldest), newest: iso(e.newest) });
  return {
    ...info,
    scans: extent(info.scans),
    tiers: info.tiers.map((t) => ({
      tier: t.tier,
      ...extent(t),
      samples: t.samples,
      ...(t.rolledUntil === undefined ? {} : { rolledUntil: iso(t.rolledUntil) }),
    })),
    events: extent(info.events),
    probeResults: extent(info.probeResults),
    writer:
      info.writer === null ? null : { holder: info.writer.holder, until: iso(info.writer.until) },
  };
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
