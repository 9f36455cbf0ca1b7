/** Exponential backoff bounds in milliseconds. */
export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Default backoff: 50 ms doubling up to 1 s. */
export const DEFAULT_BACKOFF: Backoff = { baseMs: 50, maxMs: 1000 };

/**
 * Delay before retry number `retry` (1 = first retry): exponential with full jitter,
 * so a fleet of clients that failed together does not retry together.
 */
export function backoffDelay(retry: number, backoff: Backoff, random: () => number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Milliseconds asked for by a `Retry-After` header (seconds or HTTP date), or null when absent or unreadable. */
export function parseRetryAfter(
  header: string | string[] | undefined,
  nowMs: number,
): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Date.parse reads odd things such as "-1" as dates; an HTTP date always names a weekday.
  if (!/^[A-Za-z]{3}, /.test(text)) return null;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}
