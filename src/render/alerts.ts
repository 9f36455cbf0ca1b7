import type { AlertRow, AlertState, Labels, SilenceRow } from '../core/alert-types.ts';
import { type MachineRecord, renderCsv, renderJson, renderNdjson } from './machine.ts';
import type { RenderOptions } from './options.ts';
import type { Sgr } from './style.ts';
import { paint } from './style.ts';
import { type Cell, type Column, layoutTable } from './table.ts';

const ALERT_FIELDS = [
  'fingerprint',
  'alertname',
  'state',
  'severity',
  'labels',
  'activeAt',
  'startsAt',
  'endsAt',
  'flapping',
  'silencedBy',
  'maintenance',
  'summary',
] as const;

const STATE_STYLE: Readonly<Record<AlertState, Sgr>> = {
  firing: 'red',
  pending: 'yellow',
  resolved: 'green',
};

/**
 * `fleetmon alerts` in the requested format; `now` (epoch ms) dates the SINCE column. JSON and
 * ndjson carry the API's rows as they are.
 */
export function renderAlerts(
  rows: readonly AlertRow[],
  opts: RenderOptions,
  now: number,
  note?: string,
): string {
  switch (opts.format) {
    case 'table':
    case 'wide': {
      const footer = paint(
        [alertsTally(rows), note].filter(Boolean).join(' · '),
        'dim',
        opts.color,
      );
      if (rows.length === 0) return `no alerts firing or pending\n${footer}\n`;
      return `${[...alertTableLines(rows, opts, now), footer].join('\n')}\n`;
    }
    case 'json':
      return renderJson(rows);
    case 'ndjson':
      return renderNdjson(rows);
    case 'csv':
      return renderCsv(ALERT_FIELDS, rows.map(alertRecord));
  }
}

function alertTableLines(rows: readonly AlertRow[], opts: RenderOptions, now: number): string[] {
  const wide = opts.format === 'wide';
  const columns: Column[] = [
    { header: 'STATE', align: 'left' },
    { header: 'ALERT', align: 'left' },
    { header: 'SEVERITY', align: 'left' },
    { header: 'LABELS', align: 'left' },
    { header: 'SINCE', align: 'right' },
  ];
  if (wide) columns.push({ header: 'FINGERPRINT', align: 'left' });
  columns.push(
    { header: 'NOTE', align: 'left' },
    { header: 'SUMMARY', align: 'left', shrink: true },
  );
  const cells = rows.map((row) => {
    const since = row.state === 'resolved' ? row.endsAt : (row.startsAt ?? row.activeAt);
    const line: Cell[] = [
      { text: row.state, style: STATE_STYLE[row.state] },
      { text: row.alertname },
      { text: row.severity },
      { text: labelText(row.labels) },
      { text: since === null ? '' : age(now - Date.parse(since)) },
    ];
    if (wide) line.push({ text: row.fingerprint });
    line.push({ text: noteOf(row, wide) }, { text: row.annotations.summary ?? '' });
    return line;
  });
  return layoutTable(columns, cells, opts);
}

/** What holds or qualifies an alert: silenced, in maintenance, flapping. */
function noteOf(row: AlertRow, wide: boolean): string {
  const notes: string[] = [];
  if (row.silencedBy.length > 0) {
    notes.push(wide ? `silenced by ${row.silencedBy.join(', ')}` : 'silenced');
  }
  if (row.maintenance !== null) notes.push(`maintenance ${row.maintenance}`);
  if (row.flapping) notes.push('flapping');
  return notes.join(', ');
}

function alertsTally(rows: readonly AlertRow[]): string {
  const count = (state: AlertState) => rows.filter((r) => r.state === state).length;
  const held = rows.filter((r) => r.silencedBy.length > 0 || r.maintenance !== null).length;
  const parts = [`${count('firing')} firing`, `${count('pending')} pending`];
  if (count('resolved') > 0) parts.push(`${count('resolved')} resolved`);
  if (held > 0) parts.push(`${held} held by silences or maintenance`);
  return parts.join(', ');
}

function alertRecord(row: AlertRow): MachineRecord<(typeof ALERT_FIELDS)[number]> {
  return {
    fingerprint: row.fingerprint,
    alertname: row.alertname,
    state: row.state,
    severity: row.severity,
    labels: labelText(row.labels),
    activeAt: row.activeAt,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    flapping: String(row.flapping),
    silencedBy: row.silencedBy.join(' '),
    maintenance: row.maintenance,
    summary: row.annotations.summary ?? null,
  };
}

/** The labels that tell alerts of one rule apart: all but alertname and severity. */
function labelText(labels: Labels): string {
  return Object.entries(labels)
    .filter(([name]) => name !== 'alertname' && name !== 'severity')
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
}

const SILENCE_FIELDS = [
  'id',
  'state',
  'startsAt',
  'endsAt',
  'matchers',
  'createdBy',
  'comment',
] as const;

/** `fleetmon silence list` in the requested format. */
export function renderSilences(
  rows: readonly SilenceRow[],
  opts: RenderOptions,
  now: number,
): string {
  switch (opts.format) {
    case 'table':
    case 'wide': {
      if (rows.length === 0) return 'no silences\n';
      const columns: Column[] = [
        { header: 'ID', align: 'left' },
        { header: 'STATE', align: 'left' },
        { header: 'ENDS', align: 'left' },
        { header: 'MATCHERS', align: 'left' },
        { header: 'CREATED BY', align: 'left' },
        { header: 'COMMENT', align: 'left', shrink: true },
      ];
      const cells = rows.map((row): Cell[] => {
        const ends = Date.parse(row.endsAt);
        const when = ends > now ? `in ${age(ends - now)}` : `${age(now - ends)} ago`;
        return [
          { text: row.id },
          { text: row.state, style: row.state === 'active' ? 'yellow' : undefined },
          { text: `${row.endsAt.slice(0, 16).replace('T', ' ')}Z (${when})` },
          { text: row.matchers.join(' ') },
          { text: row.createdBy },
          { text: row.comment },
        ];
      });
      return `${layoutTable(columns, cells, opts).join('\n')}\n`;
    }
    case 'json':
      return renderJson(rows);
    case 'ndjson':
      return renderNdjson(rows);
    case 'csv':
      return renderCsv(
        SILENCE_FIELDS,
        rows.map((row) => ({ ...row, matchers: row.matchers.join(' ') })),
      );
  }
}

/** `45s`, `12m`, `3h 5m`, `2d 4h`: how long, to the unit that matters. */
export function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d}d` : `${d}d ${h % 24}h`;
}
