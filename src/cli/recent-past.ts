import type { HistorySeries } from '../core/history-types.ts';
import type { HistoryReader } from '../store/history.ts';
import type { PastSeries, RecentPast, Target } from '../tui/model.ts';

/** Every instance of a service, however many: the live view shows them all. */
const ALL_MEMBERS = 1_000_000;
/** Ticks of past read at most: more than a sparkline shows, and memory stays small for big services. */
const MAX_TICKS = 120;

/**
 * The last `ticks` intervals before `at` of a monitor target, as the history store has them: a
 * line per service (fleet view) or per instance (service view), and the mean of them all.
 */
export async function recentPast(
  history: HistoryReader,
  target: Target,
  at: number,
  intervalMs: number,
  ticks: number,
): Promise<RecentPast | undefined> {
  ticks = Math.min(ticks, MAX_TICKS);
  if (ticks < 1) return undefined;
  const range = { from: at - ticks * intervalMs, to: at, stepMs: intervalMs };
  const last = (values: readonly (number | null)[]) => values.slice(-ticks);
  if (target.kind === 'service') {
    const s = await history.series({
      target: { kind: 'service', service: target.name },
      ...range,
      members: ALL_MEMBERS,
    });
    if (s === undefined) return undefined;
    const series = new Map<string, PastSeries>();
    for (const m of s.members ?? []) series.set(m.ip, { cpu: last(m.cpu), memory: last(m.memory) });
    return {
      ticks: Math.min(ticks, s.ts.length),
      series,
      total: { cpu: last(s.cpu), memory: last(s.memory) },
    };
  }
  const names = await history.services();
  const all = await Promise.all(
    names.map((service) => history.series({ target: { kind: 'service', service }, ...range })),
  );
  const found = all.filter((s): s is HistorySeries => s !== undefined);
  if (found.length === 0) return undefined;
  const series = new Map<string, PastSeries>();
  for (const s of found) series.set(s.service ?? '', { cpu: last(s.cpu), memory: last(s.memory) });
  return {
    ticks: Math.min(ticks, found[0]?.ts.length ?? 0),
    series,
    total: fleetMean(found, ticks),
  };
}

/** The fleet's mean per point: each service's mean weighted by the samples that answered. */
function fleetMean(all: readonly HistorySeries[], ticks: number): PastSeries {
  const length = all[0]?.ts.length ?? 0;
  const mean = (metric: 'cpu' | 'memory') =>
    Array.from({ length }, (_, i) => {
      let sum = 0;
      let weight = 0;
      for (const s of all) {
        const value = s[metric][i];
        const answered = (s.samples[i] ?? 0) - (s.unreachable[i] ?? 0);
        if (value === null || value === undefined || answered <= 0) continue;
        sum += value * answered;
        weight += answered;
      }
      return weight === 0 ? null : sum / weight;
    }).slice(-ticks);
  return { cpu: mean('cpu'), memory: mean('memory') };
}
