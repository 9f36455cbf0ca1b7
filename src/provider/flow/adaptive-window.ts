/** How one attempt ended, as far as the provider's load is concerned. */
export type LoadSignal =
  /** Answered (any status that says nothing about load, e.g. 200, 400, 500). */
  | 'answered'
  /** Timeout, reset, refused, closed early, 429 or 503: the provider may be overloaded. */
  | 'overload';

/** Tuning of {@link AdaptiveWindow}; the defaults are what fleetmon uses (docs/tuning.md). */
export interface AdaptiveOptions {
  /** Hard ceiling: `--concurrency`. Never exceeded. */
  readonly max: number;
  /** An answer slower than `tolerance × baseline + slackMs` is inflated; default 2. */
  readonly tolerance?: number;
  /** Absolute slack in ms, default 5: a busy client's own event loop adds a few ms to answers. */
  readonly slackMs?: number;
  /** Multiplicative decrease on overload (timeouts, resets, 429/503); default 0.5. */
  readonly decrease?: number;
  /** Gentler decrease on latency inflation alone, which a busy client can cause too; default 0.75. */
  readonly latencyDecrease?: number;
  /** Samples per baseline bucket; the baseline is the minimum over the last two buckets. Default 500. */
  readonly baselineWindow?: number;
}

/**
 * The request window: how many requests may be in flight, adapted like TCP's congestion
 * window (AIMD) with latency inflation as a congestion signal besides errors.
 *
 * - It starts at `max` (`--concurrency`): a provider that cannot take that many shows it
 *   within a round trip. Dropped connects do not cut it; the connect pacer handles those.
 * - The baseline is the lowest recent latency (a windowed minimum, so a provider that becomes
 *   slower for good is re-learned).
 * - An answer slower than `tolerance × baseline + slack` is inflated. When most answers of a
 *   round (one window's worth) were inflated the window is cut to 3/4; on overload (timeout,
 *   reset, refused, 429, 503) it is halved at once. Requests already in flight at a cut
 *   cannot cut it again (one decrease per round trip, as in TCP NewReno).
 * - Otherwise it grows by one per round trip, up to `max`.
 *
 * Pure: no clock and no timers; the caller measures latency and feeds samples in.
 */
export class AdaptiveWindow {
  readonly #max: number;
  readonly #tolerance: number;
  readonly #slackMs: number;
  readonly #decrease: number;
  readonly #latencyDecrease: number;
  readonly #bucketSize: number;
  #window: number;
  /** Good answers since the last step of congestion avoidance (+1 per window's worth). */
  #credit = 0;
  #issued = 0;
  /** Tickets up to this one were in flight at the last decrease. */
  #recoverUpTo = 0;
  #bucketMin = Number.POSITIVE_INFINITY;
  #previousMin = Number.POSITIVE_INFINITY;
  #bucketCount = 0;
  #decreases = 0;
  /** The current round: one window's worth of answers, as the window was when it began. */
  #roundLength = 0;
  #roundSamples = 0;
  #roundInflated = 0;

  constructor(options: AdaptiveOptions) {
    this.#max = Math.max(1, Math.floor(options.max));
    this.#window = this.#max;
    this.#tolerance = options.tolerance ?? 2;
    this.#slackMs = options.slackMs ?? 5;
    this.#decrease = options.decrease ?? 0.5;
    this.#latencyDecrease = options.latencyDecrease ?? 0.75;
    this.#bucketSize = options.baselineWindow ?? 500;
  }

  /** Requests allowed in flight now: a whole number from 1 to `max`. */
  get limit(): number {
    return Math.floor(this.#window);
  }

  /** Lowest recent latency in ms, or `Infinity` before the first answer. */
  get baselineMs(): number {
    return Math.min(this.#bucketMin, this.#previousMin);
  }

  /** How often the window has been cut so far. */
  get decreases(): number {
    return this.#decreases;
  }

  /** Call when a request is sent; pass the ticket back to {@link finish}. */
  start(): number {
    this.#issued += 1;
    return this.#issued;
  }

  /** Call when the request sent under `ticket` ended, with its latency in ms. */
  finish(ticket: number, latencyMs: number, signal: LoadSignal): void {
    if (signal === 'overload') {
      this.#cut(ticket, this.#decrease);
      return;
    }
    const baseline = this.baselineMs;
    this.#observe(latencyMs);
    const inflated = baseline !== Number.POSITIVE_INFINITY && latencyMs > this.#threshold(baseline);
    if (!inflated) this.#grow();
    this.#endOfRound(ticket, inflated);
  }

  /**
   * Latency is judged per round, not per answer: the window is cut when most answers of a
   * round were slow. One slow answer is noise (a GC pause here or there, a busy machine);
   * a provider that queues slows them all down.
   */
  #endOfRound(ticket: number, inflated: boolean): void {
    if (this.#roundSamples === 0) this.#roundLength = Math.max(MIN_ROUND, this.limit);
    this.#roundSamples += 1;
    if (inflated) this.#roundInflated += 1;
    if (this.#roundSamples < this.#roundLength) return;
    const congested = this.#roundInflated * 2 > this.#roundSamples;
    this.#roundSamples = 0;
    this.#roundInflated = 0;
    if (congested) this.#cut(ticket, this.#latencyDecrease);
  }

  #threshold(baseline: number): number {
    return baseline * this.#tolerance + this.#slackMs;
  }

  #observe(latencyMs: number): void {
    if (latencyMs < this.#bucketMin) this.#bucketMin = latencyMs;
    this.#bucketCount += 1;
    if (this.#bucketCount >= this.#bucketSize) {
      this.#previousMin = this.#bucketMin;
      this.#bucketMin = Number.POSITIVE_INFINITY;
      this.#bucketCount = 0;
    }
  }

  #grow(): void {
    if (this.#window >= this.#max) return;
    this.#credit += 1;
    if (this.#credit >= this.#window) {
      this.#credit = 0;
      this.#window = Math.min(this.#max, this.#window + 1);
    }
  }

  /** Where the window is cut: by `factor`, once per round trip, never below 1. */
  #cut(ticket: number, factor: number): void {
    // Sent before the last cut: its slowness was already answered for.
    if (ticket <= this.#recoverUpTo) return;
    this.#credit = 0;
    this.#recoverUpTo = this.#issued;
    if (this.#window <= 1) return;
    this.#window = Math.max(1, Math.floor(this.#window * factor));
    this.#decreases += 1;
  }
}

/** Fewest answers a round is judged on. */
const MIN_ROUND = 4;
