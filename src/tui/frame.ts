import { formatDuration } from '../core/duration.ts';
import { formatPercent, plural } from '../render/index.ts';
import { helpLines } from './help.ts';
import type { History, Series } from './history.ts';
import { bodyHeight, headerHeight, type Size } from './layout.ts';
import { composeLine, fit, type Segment, SGR, seg, segmentsWidth } from './line.ts';
import type { MonitorModel } from './model.ts';
import type { ViewRow } from './rows.ts';
import { windowSpark } from './spark.ts';
import {
  instanceColumns,
  instanceHeader,
  instanceLine,
  serviceColumns,
  serviceHeader,
  serviceLine,
} from './table.ts';

const ARROW = { up: '↑', down: '↓' } as const;

/**
 * The whole screen for the model's state at `size`: exactly `size.rows` lines, each at
 * most `size.columns` wide, already styled. Pure: same state and size, same lines.
 */
export function renderFrame(model: MonitorModel, size: Size): string[] {
  const width = Math.max(1, size.columns);
  const color = model.config.color;
  const header = headerLines(model, width).slice(0, headerHeight(size));
  const bodyRows = bodyHeight(size);
  const rows = model.viewRows();
  const body = model.showHelp
    ? helpLines(model.mode, width, color)
    : model.hasData
      ? tableLines(model, rows, width, bodyRows)
      : [composeLine([seg(waitingText(model), SGR.dim)], width, color)];
  const lines = [...header, ...body.slice(0, bodyRows + 1)];
  while (lines.length < size.rows - 1) lines.push('');
  lines.length = Math.max(0, size.rows - 1);
  if (size.rows > 0) lines.push(footerLine(model, rows.length, bodyRows, width));
  return lines;
}

function waitingText(model: MonitorModel): string {
  if (model.lastError !== null) return `  scan failed: ${model.lastError.message}`;
  const p = model.progress;
  const what = model.mode === 'list' ? 'the fleet' : (model.service ?? 'the service');
  return p === null || p.total === 0
    ? `  scanning ${what}…`
    : `  scanning ${what}… ${p.done}/${p.total} instances`;
}

/** Column titles, then the visible slice of rows. */
function tableLines(
  model: MonitorModel,
  rows: readonly ViewRow[],
  width: number,
  bodyRows: number,
): string[] {
  const { color, rules } = model.config;
  const labelWidth = Math.min(
    40,
    Math.max(model.mode === 'list' ? 7 : 2, ...rows.map((r) => r.label.length)),
  );
  const visible = rows.slice(model.scroll, model.scroll + bodyRows);
  const titleOptions = { lineSgr: color ? SGR.inverse : undefined, fill: true };
  if (model.mode === 'list') {
    const cols = serviceColumns(width, labelWidth);
    const history = model.data.services.history;
    return [
      composeLine(serviceHeader(cols), width, color, titleOptions),
      ...visible.map((row) =>
        serviceLine(row, cols, history, rules, row.key === model.selected, width, color),
      ),
      ...(rows.length === 0 ? [emptyText(model, width)] : []),
    ];
  }
  const cols = instanceColumns(
    width,
    labelWidth,
    rows.some((row) => row.error !== undefined),
  );
  const history = model.data.instances.history;
  return [
    composeLine(instanceHeader(cols), width, color, titleOptions),
    ...visible.map((row) => instanceLine(row, cols, history, rules, width, color)),
    ...(rows.length === 0 ? [emptyText(model, width)] : []),
  ];
}

function emptyText(model: MonitorModel, width: number): string {
  const text = model.filter !== '' ? `  nothing matches "${model.filter}"` : '  no instances';
  return composeLine([seg(text, SGR.dim)], width, model.config.color);
}

/** Title line, means with their sparklines, and the scan line. */
function headerLines(model: MonitorModel, width: number): string[] {
  const color = model.config.color;
  const right: Segment[] = model.paused ? [seg(' PAUSED ', `${SGR.inverse};${SGR.yellow}`)] : [];
  const left = model.mode === 'list' ? listTitle(model) : serviceTitle(model);
  const room = Math.max(0, width - segmentsWidth(right) - 1);
  const title = [...left, seg(' '.repeat(Math.max(1, room - segmentsWidth(left) + 1))), ...right];
  return [
    composeLine(title, width, color),
    composeLine(meansLine(model, width), width, color),
    composeLine(scanLine(model), width, color),
  ];
}

function serviceTitle(model: MonitorModel): Segment[] {
  if (!model.hasData) return [seg(model.service ?? '', SGR.bold)];
  const summary = model.data.serviceSummary();
  const required = model.config.rules.minHealthy;
  const healthy = summary?.healthy ?? 0;
  const ok = healthy >= required;
  return [
    seg(model.service ?? '', SGR.bold),
    seg(`  ${plural(summary?.instances ?? 0, 'instance')}  `),
    seg(`${healthy} healthy`, ok ? SGR.green : SGR.red),
    seg(` (needs ${required})  `),
    seg(ok ? 'OK' : 'FLAGGED', ok ? SGR.boldGreen : SGR.boldRed),
  ];
}

function listTitle(model: MonitorModel): Segment[] {
  if (!model.hasData) return [seg('All services', SGR.bold)];
  let services = 0;
  let instances = 0;
  let flagged = 0;
  for (const entry of model.data.services.entries()) {
    if (entry.goneSince !== null) continue;
    instances += entry.value.instances;
    if (entry.value.service === null) continue;
    services++;
    if (entry.value.status === 'flagged') flagged++;
  }
  return [
    seg('All services', SGR.bold),
    seg(`  ${plural(services, 'service')}  ${plural(instances, 'instance')}  `),
    flagged > 0 ? seg(`${flagged} FLAGGED`, SGR.boldRed) : seg('all OK', SGR.boldGreen),
  ];
}

/** `cpu 45.2% ▁▂▃▅  mem 60.1% ▃▄▅▅`: the mean now, and over the history window. */
function meansLine(model: MonitorModel, width: number): Segment[] {
  const { history, series } = meanSeries(model);
  const now = model.mode === 'list' ? model.data.fleetNow : model.data.serviceSummary();
  const cpu = now?.cpu ?? null;
  const memory = now?.memory ?? null;
  const half = Math.floor(width / 2);
  const sparkWidth = Math.max(0, half - 13);
  const part = (label: string, value: number | null, limit: number, metric: 'cpu' | 'memory') => [
    seg(`${label} `, SGR.bold),
    seg(
      fit(formatPercent(value), 6, 'right'),
      value !== null && value >= limit ? SGR.yellow : undefined,
    ),
    seg(` ${windowSpark(history, series, metric, sparkWidth)}  `, SGR.cyan),
  ];
  const { maxCpu, maxMemory } = model.config.rules;
  return [...part('cpu', cpu, maxCpu, 'cpu'), ...part('mem', memory, maxMemory, 'memory')];
}

function meanSeries(model: MonitorModel): { history: History; series: Series | undefined } {
  const { data } = model;
  if (model.mode === 'list') return { history: data.fleet, series: data.fleet.get('fleet') };
  return { history: data.services.history, series: data.serviceSeries(model.service) };
}

/** Interval, last scan and its cost, and what is unusual: errors, unreachable, churn. */
function scanLine(model: MonitorModel): Segment[] {
  const parts: Segment[] = [
    model.paused
      ? seg(`paused (every ${formatDuration(model.intervalMs)})`, SGR.yellow)
      : seg(`every ${formatDuration(model.intervalMs)}`),
  ];
  const add = (text: string, sgr?: string) => parts.push(seg(' · ', SGR.dim), seg(text, sgr));
  const { lastError, lastScan } = model;
  const when = model.config.formatTime;
  if (lastError !== null)
    add(`scan failed ${when(lastError.at)}: ${lastError.message}`, SGR.boldRed);
  if (lastScan !== null) {
    add(`last ${when(lastScan.at)} in ${formatDuration(lastScan.durationMs)}`);
    add(`${lastScan.unreachable} unreachable`, lastScan.unreachable > 0 ? SGR.red : undefined);
    const { retries } = lastScan;
    add(`${retries} ${retries === 1 ? 'retry' : 'retries'}`, retries > 0 ? SGR.yellow : undefined);
  }
  const rows = model.viewRows();
  const fresh = rows.filter((r) => r.fresh).length;
  const gone = rows.filter((r) => r.state === 'gone').length;
  if (fresh > 0) add(`${fresh} new`, SGR.green);
  if (gone > 0) add(`${gone} gone`, SGR.dim);
  return parts;
}

/** Filter input, or key hints; the sort and the visible range on the right. */
function footerLine(model: MonitorModel, total: number, bodyRows: number, width: number): string {
  const color = model.config.color;
  const sort = model.sort;
  const natural = sort.key === 'cpu' || sort.key === 'memory' ? 'down' : 'up';
  const flipped = natural === 'up' ? 'down' : 'up';
  const sortName = model.mode === 'list' && sort.key === 'ip' ? 'name' : sort.key;
  const first = total === 0 ? 0 : model.scroll + 1;
  const last = Math.min(total, model.scroll + bodyRows);
  const right = [
    seg(`sort ${sortName}${ARROW[sort.reversed ? flipped : natural]}  ${first}-${last}/${total}`),
  ];
  const room = Math.max(0, width - segmentsWidth(right) - 1);
  let left: Segment[];
  if (model.editingFilter) {
    left = [
      seg('/', SGR.bold),
      seg(model.filter),
      seg('_', SGR.inverse),
      seg('  enter keep  esc clear', SGR.dim),
    ];
  } else {
    const filter = model.filter === '' ? [] : [seg(`filter "${model.filter}"  `, SGR.cyan)];
    left = [...filter, seg(hints(model.mode, room - segmentsWidth(filter)), SGR.dim)];
  }
  const leftWidth = segmentsWidth(left);
  const cut = leftWidth > room ? [seg(fitSegments(left, room))] : left;
  const gap = Math.max(1, room - Math.min(leftWidth, room) + 1);
  return composeLine([...cut, seg(' '.repeat(gap)), ...right], width, color);
}

/** As many key hints as fit in `width`, most useful first. */
function hints(mode: 'list' | 'detail', width: number): string {
  const all = [
    'q quit',
    '? help',
    mode === 'list' ? 'enter open' : 'esc services',
    '/ filter',
    'c m i s sort',
    'space pause',
    '+- interval',
  ];
  let out = '';
  for (const hint of all) {
    const next = out === '' ? hint : `${out}  ${hint}`;
    if (next.length > width) break;
    out = next;
  }
  return out;
}

/** Plain text of segments cut to `width` (the key hints lose their dimming when cut). */
function fitSegments(segments: readonly Segment[], width: number): string {
  return fit(segments.map((s) => s.text).join(''), width);
}
