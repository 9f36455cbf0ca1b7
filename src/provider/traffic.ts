import type { LatencySummary } from '../core/types.ts';

/** Buckets per doubling of the latency histogram: quantiles within ~4.5 % of the true value. */
const STEPS_PER_DOUBLING = 8;
/** The histogram's floor: answers faster than this (10 µs) share its first bucket. */
const FLOOR_MS = 0.01;

/**
 * Counts requests and keeps a log-scale histogram of answer times: a fixed few hundred
 * numbers whatever the fleet size, so a scan of 100k instances costs no more memory than one
 * of 150, and a quantile is a walk over the buckets.
 */
export class TrafficCounter {
  #requests = 0;
  #retries = 0;
  #firstAt = Number.NaN;
  #lastAt = Number.NaN;
  #count = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = 0;
  readonly #buckets: number[] = [];

  /** A request is sent at `at` (ms); `retry`: not its read's first attempt. */
  sent(at: number, retry: boolean): void {
    this.#requests += 1;
    if (retry) this.#retries += 1;
    if (Number.isNaN(this.#firstAt)) this.#firstAt = at;
  }

  /** A request ended at `at`; `answeredMs`: how long a stats read took, when it was answered. */
  ended(at: number, answeredMs: number | undefined): void {
    this.#lastAt = at;
    if (answeredMs === undefined) return;
    this.#count += 1;
    if (answeredMs < this.#min) this.#min = answeredMs;
    if (answeredMs > this.#max) this.#max = answeredMs;
    const index = bucketOf(answeredMs);
    this.#buckets[index] = (this.#buckets[index] ?? 0) + 1;
  }

  /** Requests sent, retries included. */
  get requests(): number {
    return this.#requests;
  }

  /** Requests that retried a failed attempt. */
  get retries(): number {
    return this.#retries;
  }

  /** Milliseconds from the first request to the last end. */
  get activeMs(): number {
    return Number.isNaN(this.#lastAt) ? 0 : this.#lastAt - this.#firstAt;
  }

  /** Answer times so far: min and max exact, median and p99 to the middle of their bucket. */
  latency(): LatencySummary | undefined {
    if (this.#count === 0) return undefined;
    const clamp = (ms: number) => Math.min(this.#max, Math.max(this.#min, ms));
    return {
      count: this.#count,
      minMs: this.#min,
      medianMs: clamp(this.#quantile(0.5)),
      p99Ms: clamp(this.#quantile(0.99)),
      maxMs: this.#max,
    };
  }

  /** The middle of the bucket that holds the `q`-th answer. */
  #quantile(q: number): number {
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i < this.#buckets.length; i++) {
      seen += this.#buckets[i] ?? 0;
      if (seen >= rank) return FLOOR_MS * 2 ** ((i + 0.5) / STEPS_PER_DOUBLING);
    }
    return this.#max;
  }
}

function bucketOf(ms: number): number {
  if (ms <= FLOOR_MS) return 0;
  return Math.floor(Math.log2(ms / FLOOR_MS) * STEPS_PER_DOUBLING);
}
