import type { HistoryTier } from '../core/history-types.ts';
import { TIER_MS } from './retention.ts';

/** How far each tier reaches: kept since (retention) and rolled up until (the rollups' progress). */
export interface TierCoverage {
  readonly keptFrom: { readonly raw: number; readonly minute: number };
  /** Buckets before these are complete in their tier. */
  readonly rolledUntil: { readonly minute: number; readonly hour: number };
}

/** One stretch of a query read from one tier. */
export interface Segment {
  readonly tier: HistoryTier;
  readonly from: number;
  readonly to: number;
}

/** Where to read a query from, and the step its answer really has. */
export interface QueryPlan {
  /** The step asked for, widened to what the oldest tier needed can give; `null`: every scan. */
  readonly stepMs: number | null;
  /** The first point's start (aligned to the step). */
  readonly from: number;
  /** The coarsest tier read. */
  readonly tier: HistoryTier;
  readonly segments: readonly Segment[];
}

/**
 * Reads each stretch of `[from, to)` from the coarsest tier that has it rolled up at a width
 * dividing the step: hours, then minutes, then raw samples for the newest part not rolled up yet.
 * Where raw samples (or minutes) are no longer kept at `from`, the step widens to the tier that
 * still has them.
 */
export function planQuery(
  from: number,
  to: number,
  stepMs: number | null,
  coverage: TierCoverage,
): QueryPlan {
  if (stepMs === null) {
    return { stepMs, from, tier: 'raw', segments: from < to ? [{ tier: 'raw', from, to }] : [] };
  }
  const finest =
    from >= coverage.keptFrom.raw
      ? 1
      : from >= coverage.keptFrom.minute
        ? TIER_MS.minute
        : TIER_MS.hour;
  const step = Math.ceil(Math.max(stepMs, finest) / finest) * finest;
  const start = Math.floor(from / step) * step;
  const segments: Segment[] = [];
  let cursor = start;
  const take = (tier: HistoryTier, until: number) => {
    const end = Math.min(to, until);
    if (cursor >= end) return;
    segments.push({ tier, from: cursor, to: end });
    cursor = end;
  };
  if (step % TIER_MS.hour === 0) take('hour', coverage.rolledUntil.hour);
  if (step % TIER_MS.minute === 0) take('minute', coverage.rolledUntil.minute);
  take('raw', to);
  const tier = segments[0]?.tier ?? 'raw';
  return { stepMs: step, from: start, tier, segments };
}

/** Steps a query without one picks from: the smallest that gives at most the points wanted. */
const AUTO_STEPS = [
  60_000,
  5 * 60_000,
  15 * 60_000,
  30 * 60_000,
  3_600_000,
  3 * 3_600_000,
  6 * 3_600_000,
  12 * 3_600_000,
  86_400_000,
  7 * 86_400_000,
];

/** The smallest usual step (1m, 5m, 15m, … 1d) that splits `rangeMs` into at most `maxPoints`. */
export function autoStep(rangeMs: number, maxPoints: number): number {
  for (const step of AUTO_STEPS) if (rangeMs / step <= maxPoints) return step;
  return AUTO_STEPS[AUTO_STEPS.length - 1] as number;
}

/** Most points one answer may have, whatever step is asked for. */
export const MAX_POINTS = 10_000;
