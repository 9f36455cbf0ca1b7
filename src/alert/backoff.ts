/** First retry after about this long; each failure doubles it. */
export const BACKOFF_BASE_MS = 1_000;
/** Retries are never further apart than this. */
export const BACKOFF_MAX_MS = 60_000;
/** A receiver's Retry-After is honoured up to this long. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * Delay before retry number `attempt` (1 for the first): exponential, with jitter in its upper
 * half so receivers that failed together do not all come back at once.
 */
export function backoffMs(attempt: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * A `Retry-After` header in ms from `now`: delta-seconds or an HTTP date; `undefined` when
 * absent or unreadable. Capped, so a receiver cannot park its notifications for a day.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  const text = value?.trim() ?? '';
  if (text === '') return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}
