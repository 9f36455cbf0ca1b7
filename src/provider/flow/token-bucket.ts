/**
 * A token bucket for `--rate`: on average at most `ratePerSecond` requests per second,
 * with bursts of at most `burst` back to back.
 *
 * Each caller reserves its token up front and is told how long to wait for it, so
 * callers are served in arrival order with one computation each and no timer of the
 * bucket's own. Pure: the caller passes the time in.
 */
export class TokenBucket {
  readonly #msPerToken: number;
  readonly #burst: number;
  #tokens: number;
  #last: number | undefined;

  constructor(ratePerSecond: number, burst = defaultBurst(ratePerSecond)) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
      throw new RangeError(`rate must be a positive number, got ${ratePerSecond}`);
    }
    this.#msPerToken = 1000 / ratePerSecond;
    this.#burst = Math.max(1, Math.floor(burst));
    this.#tokens = this.#burst;
  }

  /** Takes the next token; returns how many ms from `nowMs` the caller must wait before using it (0: now). */
  reserve(nowMs: number): number {
    if (this.#last !== undefined && nowMs > this.#last) {
      this.#tokens = Math.min(this.#burst, this.#tokens + (nowMs - this.#last) / this.#msPerToken);
    }
    if (this.#last === undefined || nowMs > this.#last) this.#last = nowMs;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : -this.#tokens * this.#msPerToken;
  }
}

/**
 * 50 ms worth of tokens, at least 1: a burst small enough to stay a hard cap over any
 * window a provider would meter, large enough that high rates need no timer per request.
 */
export function defaultBurst(ratePerSecond: number): number {
  return Math.max(1, Math.floor(ratePerSecond / 20));
}
