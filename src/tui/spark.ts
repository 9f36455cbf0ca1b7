import { sparkline } from '../render/index.ts';
import type { History, Metric, Series } from './history.ts';

/**
 * The last `width` ticks of a series, one character per tick, right-aligned so the newest
 * tick is always in the same column; blank where there was no sample.
 */
export function recentSpark(
  history: History,
  series: Series | undefined,
  metric: Metric,
  width: number,
): string {
  if (width <= 0) return '';
  const values = series === undefined ? [] : history.recent(series, metric, width);
  return ' '.repeat(width - values.length) + sparkline(values);
}

/**
 * The whole window of a series squeezed into `width` characters: each character is the
 * mean of a run of ticks (gaps ignored), so a long session still fits one line.
 */
export function windowSpark(
  history: History,
  series: Series | undefined,
  metric: Metric,
  width: number,
): string {
  if (width <= 0) return '';
  if (series === undefined) return ' '.repeat(width);
  const values = history.recent(series, metric, history.capacity);
  const buckets = values.length <= width ? values : bucketMeans(values, width);
  return ' '.repeat(width - buckets.length) + sparkline(buckets);
}

/** Means of `width` consecutive runs of `values` (NaN for a run with no sample). */
export function bucketMeans(values: readonly number[], width: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < width; b++) {
    const start = Math.floor((b * values.length) / width);
    const end = Math.floor(((b + 1) * values.length) / width);
    let sum = 0;
    let n = 0;
    for (let i = start; i < end; i++) {
      const v = values[i] ?? Number.NaN;
      if (Number.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    out.push(n === 0 ? Number.NaN : sum / n);
  }
  return out;
}
