import { parseDuration } from './duration.ts';

/** A moment as a user writes it: a fixed time, or a duration back from now. */
export type TimePoint =
  | { readonly kind: 'at'; readonly ms: number }
  | { readonly kind: 'ago'; readonly ms: number };

/** The forms {@link parseTimePoint} reads, for messages. */
export const TIME_POINT_FORMS =
  'an ISO 8601 time (2026-12-06T03:00, 2026-12-06T03:00Z), a date, epoch milliseconds, now, or a duration back from now (6h)';

/**
 * Reads `2026-12-06T03:00:00Z`, `2026-12-06T03:00` and `2026-12-06` (both local time),
 * epoch milliseconds, `now`, or a duration back from now (`90m`, `6h`, `7d`); null otherwise.
 */
export function parseTimePoint(text: string): TimePoint | null {
  const value = text.trim();
  if (value === '') return null;
  if (value.toLowerCase() === 'now') return { kind: 'ago', ms: 0 };
  if (/^\d+$/.test(value)) return { kind: 'at', ms: Number(value) };
  if (/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/.test(value)) {
    const ms = parseDuration(value);
    return ms === null ? null : { kind: 'ago', ms };
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  // A bare date is midnight where the user is, like a time without a zone.
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00` : value);
  return Number.isFinite(ms) ? { kind: 'at', ms } : null;
}

/** The epoch ms a time point stands for, `now` being the current time. */
export function resolveTimePoint(point: TimePoint, now: number): number {
  return point.kind === 'at' ? point.ms : now - point.ms;
}
