import { formatDuration } from '../core/duration.ts';
import type { AttemptResult } from './attempt.ts';

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

/** What happens after an attempt: stop with `result`, or try again after `waitMs`. */
export type RetryStep =
  | { readonly retry: false; readonly result: AttemptResult }
  | {
      readonly retry: true;
      readonly waitMs: number;
      /** The provider asked for the wait: no request of this client starts meanwhile. */
      readonly pauseAll: boolean;
    };

/** How hard a read tries. */
export interface RetryRules {
  /** Extra attempts after a retryable failure. */
  readonly retries: number;
  readonly backoff: Backoff;
  /** Source of jitter in [0, 1). */
  readonly random: () => number;
}

/**
 * Where a retry is decided, after attempt number `attempt` ended with `result`, with
 * `budgetLeftMs` left of the time the whole read may take:
 * - stop on success, on a failure that will not change (`retryable` false: 4xx other than 429,
 *   a body too large), or when the retries are used up;
 * - stop, saying so, when `Retry-After` asks for longer than the budget left;
 * - wait as `Retry-After` asks, and pause every request of the client meanwhile;
 * - else wait an exponential backoff with full jitter.
 */
export function decideRetry(
  result: AttemptResult,
  attempt: number,
  budgetLeftMs: number,
  rules: RetryRules,
): RetryStep {
  if (result.ok || !result.retryable || attempt > rules.retries) return { retry: false, result };
  const asked = result.retryAfterMs;
  if (asked === null) {
    return {
      retry: true,
      waitMs: backoffDelay(attempt, rules.backoff, rules.random),
      pauseAll: false,
    };
  }
  if (asked > budgetLeftMs) {
    const reason = `${result.reason} (asked to retry after ${formatDuration(asked)})`;
    return { retry: false, result: { ...result, reason } };
  }
  return { retry: true, waitMs: asked, pauseAll: true };
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
