import type { Thresholds } from '../core/types.ts';
import { formatPercent } from '../render/index.ts';
import type { History } from './history.ts';
import { meanOf, type SessionStats } from './history.ts';
import { composeLine, fit, type Segment, SGR, seg } from './line.ts';
import type { RowState, ViewRow } from './rows.ts';
import { recentSpark } from './spark.ts';

/** Widths of the instance table's columns at one terminal width. */
export interface InstanceColumns {
  readonly label: number;
  readonly spark: number;
  /** min/avg/max columns shown. */
  readonly stats: boolean;
  /** Room left for the reason an instance is unreachable (0: none). */
  readonly error: number;
}

/** Widths of the service table's columns at one terminal width. */
export interface ServiceColumns {
  readonly label: number;
  readonly spark: number;
}

const STATUS_WIDTH = 11; // `unreachable`
const NOW_WIDTH = 4; // `100%`
/** A service's mean, to one decimal like everywhere else: `46.7%`. */
const MEAN_WIDTH = 5;
const STATS_WIDTH = 11; // `100 100 100`
const MAX_SPARK = 60;
const MIN_SPARK_WITH_STATS = 5;
const MIN_ERROR = 12;

/** The colour of each state: the word reads without colour too. */
export const STATE_SGR: Readonly<Record<RowState, string | undefined>> = {
  healthy: SGR.green,
  ok: SGR.green,
  unhealthy: SGR.yellow,
  unreachable: SGR.red,
  flagged: SGR.boldRed,
  gone: SGR.dim,
  unknown: SGR.dim,
};

/** Lays out the instance table: sparklines share the room, then min/avg/max, then the reason. */
export function instanceColumns(
  width: number,
  labelWidth: number,
  withReason: boolean,
): InstanceColumns {
  const fixed = 1 + labelWidth + 1 + STATUS_WIDTH;
  const block = 2 + NOW_WIDTH + 1;
  const withStats = Math.floor((width - fixed - 2 * (block + 1 + STATS_WIDTH)) / 2);
  if (withStats >= MIN_SPARK_WITH_STATS) {
    const spark = Math.min(MAX_SPARK, withStats);
    const used = fixed + 2 * (block + spark + 1 + STATS_WIDTH);
    const rest = width - used - 2;
    return {
      label: labelWidth,
      spark,
      stats: true,
      error: withReason && rest >= MIN_ERROR ? rest : 0,
    };
  }
  const spark = Math.max(0, Math.min(MAX_SPARK, Math.floor((width - fixed - 2 * block) / 2)));
  return { label: labelWidth, spark, stats: false, error: 0 };
}

/** Lays out the service table. */
export function serviceColumns(width: number, labelWidth: number): ServiceColumns {
  const fixed = 1 + labelWidth + 2 + 7 + 2 + 7 + 2 + 7;
  const spark = Math.floor((width - fixed - 2 * (2 + MEAN_WIDTH + 1)) / 2);
  return { label: labelWidth, spark: Math.max(0, Math.min(MAX_SPARK, spark)) };
}

/** Column titles of the instance table. */
export function instanceHeader(cols: InstanceColumns): Segment[] {
  const block = (name: string) => [
    seg(`  ${fit(name, NOW_WIDTH, 'right')} ${' '.repeat(cols.spark)}`),
    ...(cols.stats ? [seg(` ${fit('min avg max', STATS_WIDTH, 'right')}`)] : []),
  ];
  return [
    seg(` ${fit('IP', cols.label)} ${fit('STATUS', STATUS_WIDTH)}`),
    ...block('CPU'),
    ...block('MEM'),
    ...(cols.error > 0 ? [seg(`  ${fit('REASON', cols.error)}`)] : []),
  ];
}

/** One instance as a table line. */
export function instanceLine(
  row: ViewRow,
  cols: InstanceColumns,
  history: History,
  limits: Thresholds,
  width: number,
  color: boolean,
): string {
  const gone = row.state === 'gone';
  const block = (metric: 'cpu' | 'memory', limit: number, stats: SessionStats): Segment[] => {
    const now = row[metric];
    const hot = now !== null && now >= limit;
    return [
      seg('  '),
      seg(fit(formatWhole(now), NOW_WIDTH, 'right'), hot ? SGR.yellow : undefined),
      seg(` ${recentSpark(history, row.series, metric, cols.spark)}`),
      ...(cols.stats ? [seg(` ${formatStats(stats)}`)] : []),
    ];
  };
  const segments: Segment[] = [
    row.fresh ? seg('+', SGR.boldGreen) : seg(' '),
    seg(fit(row.label, cols.label), row.fresh ? SGR.boldGreen : undefined),
    seg(' '),
    seg(fit(row.state, STATUS_WIDTH), STATE_SGR[row.state]),
    ...block('cpu', limits.maxCpu, row.series.cpuStats),
    ...block('memory', limits.maxMemory, row.series.memoryStats),
    ...(cols.error > 0 && row.error !== undefined ? [seg(`  ${row.error}`, SGR.red)] : []),
  ];
  return composeLine(segments, width, color, { lineSgr: gone ? SGR.dim : undefined });
}

/** Column titles of the service table. */
export function serviceHeader(cols: ServiceColumns): Segment[] {
  return [
    seg(
      ` ${fit('SERVICE', cols.label)}  ${fit('STATUS', 7)}  ${fit('HEALTHY', 7, 'right')}  ${fit('UNREACH', 7, 'right')}`,
    ),
    seg(`  ${fit('CPU', MEAN_WIDTH, 'right')} ${' '.repeat(cols.spark)}`),
    seg(`  ${fit('MEM', MEAN_WIDTH, 'right')}`),
  ];
}

/** One service as a table line; the selected one is drawn in reverse video. */
export function serviceLine(
  row: ViewRow,
  cols: ServiceColumns,
  history: History,
  rules: Thresholds & { minHealthy: number },
  selected: boolean,
  width: number,
  color: boolean,
): string {
  const s = row.service;
  const gone = row.state === 'gone';
  const status = row.state === 'flagged' ? 'FLAGGED' : row.state === 'unknown' ? '-' : row.state;
  const healthy = s === undefined || gone ? '' : `${s.healthy}/${s.instances}`;
  const short = s !== undefined && !gone && s.service !== null && s.healthy < rules.minHealthy;
  const unreachable = s === undefined || gone ? '' : String(s.unreachable);
  const metric = (value: number | null, limit: number, name: 'cpu' | 'memory'): Segment[] => [
    seg('  '),
    seg(
      fit(formatPercent(value), MEAN_WIDTH, 'right'),
      value !== null && value >= limit ? SGR.yellow : undefined,
    ),
    seg(` ${recentSpark(history, row.series, name, cols.spark)}`),
  ];
  const segments: Segment[] = [
    seg(selected ? '>' : row.fresh ? '+' : ' ', row.fresh && !selected ? SGR.boldGreen : undefined),
    seg(fit(row.label, cols.label), SGR.bold),
    seg('  '),
    seg(fit(status, 7), STATE_SGR[row.state]),
    seg('  '),
    seg(fit(healthy, 7, 'right'), short ? SGR.red : undefined),
    seg('  '),
    seg(fit(unreachable, 7, 'right'), s !== undefined && s.unreachable > 0 ? SGR.red : undefined),
    ...metric(row.cpu, rules.maxCpu, 'cpu'),
    ...metric(row.memory, rules.maxMemory, 'memory'),
  ];
  const lineSgr = selected ? SGR.inverse : gone ? SGR.dim : undefined;
  return composeLine(segments, width, color, { lineSgr, fill: selected });
}

/** `61%`, or `-` when unknown; whole percents keep the columns still. */
function formatWhole(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '-' : `${Math.trunc(value)}%`;
}

/** `  5  45  99`: min, mean and max of the session, or dashes before the first sample. */
function formatStats(stats: SessionStats): string {
  const mean = meanOf(stats);
  if (mean === null) return fit('-   -   -', STATS_WIDTH, 'right');
  const n = (v: number) => fit(String(v), 3, 'right');
  // Truncated like the current value, so a max just under the limit never reads as the limit.
  return `${n(Math.trunc(stats.min))} ${n(Math.round(mean))} ${n(Math.trunc(stats.max))}`;
}
