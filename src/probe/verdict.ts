import { formatDuration } from '../core/duration.ts';
import { formatMs } from '../core/probe-record.ts';
import type { ProbeFailure } from '../core/probe-types.ts';
import { halfWidth, midpoint, type OffsetInterval } from './offset-interval.ts';

/** What the clock reading says against the limit, and why when it is not ok. */
export type ClockJudgement =
  | { readonly verdict: 'ok' }
  | {
      readonly verdict: 'skewed' | 'unknown';
      readonly failure: Extract<ProbeFailure, 'clock_skew' | 'clock_uncertain'>;
      readonly reason: string;
    };

/**
 * Skewed only when the whole interval lies beyond ±`maxSkewMs` (every offset it allows is too
 * large); ok when it lies within; unknown when it straddles the limit. Without a limit, any
 * reading is ok. An offset of exactly the limit is within it.
 */
export function judgeClock(
  interval: OffsetInterval,
  maxSkewMs: number | undefined,
): ClockJudgement {
  if (maxSkewMs === undefined) return { verdict: 'ok' };
  if (interval.lo >= -maxSkewMs && interval.hi <= maxSkewMs) return { verdict: 'ok' };
  const mid = midpoint(interval);
  const reading = `${formatMs(Math.abs(mid))} ${mid >= 0 ? 'ahead' : 'behind'} (± ${formatMs(halfWidth(interval))})`;
  const limit = `±${formatDuration(maxSkewMs)}`;
  if (interval.lo > maxSkewMs || interval.hi < -maxSkewMs) {
    return {
      verdict: 'skewed',
      failure: 'clock_skew',
      reason: `clock ${reading}, beyond ${limit}`,
    };
  }
  return {
    verdict: 'unknown',
    failure: 'clock_uncertain',
    reason: `clock ${reading}: may be beyond ${limit}, the reading is not precise enough to tell`,
  };
}
