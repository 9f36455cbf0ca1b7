import { setTimeout as delay } from 'node:timers/promises';
import { AdaptiveConcurrency, type LoadSignal } from './adaptive-concurrency.ts';
import type { AttemptResult } from './attempt.ts';
import { Limiter } from './limiter.ts';
import { TokenBucket } from './token-bucket.ts';

/** How hard the client may push the provider. */
export interface GateOptions {
  /** `--concurrency`: requests in flight never exceed it. */
  readonly concurrency: number;
  /** `--rate`: requests per second, averaged; undefined for no cap. */
  readonly ratePerSecond?: number | undefined;
  /** Adapt the window below `concurrency` to the provider's latency and errors; default true. */
  readonly adaptive?: boolean;
  /** Clock in ms; default `performance.now`. */
  readonly now?: () => number;
}

/** A held slot: give it back with {@link RequestGate.leave}, or before that with {@link release}. */
export class Pass {
  readonly ticket: number;
  readonly startedAt: number;
  /** Whether its latency says something about load (stats reads; not the large `/servers` list). */
  readonly sampled: boolean;
  #limiter: Limiter | undefined;

  constructor(limiter: Limiter, ticket: number, startedAt: number, sampled: boolean) {
    this.#limiter = limiter;
    this.ticket = ticket;
    this.startedAt = startedAt;
    this.sampled = sampled;
  }

  /**
   * Frees the slot while the request still ends later: its answer has begun, the server is done
   * with it, and another request is to take its place (pipelining, http/pool.ts). Once only.
   */
  release(): void {
    const limiter = this.#limiter;
    this.#limiter = undefined;
    limiter?.release();
  }
}

/**
 * Every request to the provider goes through here: the adaptive concurrency window
 * (never above `--concurrency`), the `--rate` token bucket, and a pause for everyone
 * while the provider has asked, with `Retry-After`, to be left alone.
 */
export class RequestGate {
  readonly #limiter: Limiter;
  readonly #adaptive: AdaptiveConcurrency | undefined;
  readonly #bucket: TokenBucket | undefined;
  readonly #now: () => number;
  #holdUntil = 0;

  /** `--concurrency` as a whole number: requests in flight never exceed it. */
  readonly max: number;

  constructor(options: GateOptions) {
    const max = Math.max(1, Math.floor(options.concurrency));
    this.max = max;
    this.#adaptive = options.adaptive === false ? undefined : new AdaptiveConcurrency({ max });
    this.#limiter = new Limiter(this.#adaptive?.limit ?? max);
    this.#bucket =
      options.ratePerSecond === undefined ? undefined : new TokenBucket(options.ratePerSecond);
    this.#now = options.now ?? (() => performance.now());
  }

  /** Requests allowed in flight now. */
  get limit(): number {
    return this.#limiter.limit;
  }

  /** The adaptive controller, for benchmarks and diagnostics. */
  get adaptive(): AdaptiveConcurrency | undefined {
    return this.#adaptive;
  }

  /**
   * Waits for a slot, a token and the end of any `Retry-After` pause; rejects with the signal's
   * reason on abort. Returns the pass itself, without a promise, when nothing stands in the way:
   * at 100k requests the promises of the waiting path were a visible share of the client's time.
   */
  enter(signal: AbortSignal | undefined, sampled: boolean): Pass | Promise<Pass> {
    const free =
      this.#bucket === undefined &&
      (this.#holdUntil === 0 || this.#holdUntil <= this.#now()) &&
      signal?.aborted !== true &&
      this.#limiter.tryAcquire();
    return free ? this.#pass(sampled) : this.#enterWhenFree(signal, sampled);
  }

  async #enterWhenFree(signal: AbortSignal | undefined, sampled: boolean): Promise<Pass> {
    await this.#waitForHold(signal);
    await this.#limiter.acquire(signal);
    try {
      const wait = this.#bucket?.reserve(this.#now()) ?? 0;
      if (wait > 0) await delay(wait, undefined, { signal });
    } catch (err) {
      this.#limiter.release();
      throw signal?.aborted ? signal.reason : err;
    }
    return this.#pass(sampled);
  }

  #pass(sampled: boolean): Pass {
    return new Pass(this.#limiter, this.#adaptive?.start() ?? 0, this.#now(), sampled);
  }

  /**
   * The request ended: gives the slot back unless released already; `result` (absent when the
   * attempt was aborted) feeds the adaptive window.
   */
  leave(pass: Pass, result: AttemptResult | undefined): void {
    const adaptive = this.#adaptive;
    if (adaptive !== undefined && result !== undefined) {
      const signal = loadSignalOf(result);
      if (pass.sampled || signal === 'overload') {
        adaptive.finish(pass.ticket, this.#now() - pass.startedAt, signal);
        this.#limiter.setLimit(adaptive.limit);
      }
    }
    pass.release();
  }

  /** The provider asked (429/503 `Retry-After`) for a break: no new request starts for `ms`. */
  holdFor(ms: number): void {
    this.#holdUntil = Math.max(this.#holdUntil, this.#now() + ms);
  }

  async #waitForHold(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      const wait = this.#holdUntil - this.#now();
      if (wait <= 0) return;
      await delay(wait, undefined, { signal }).catch((err: unknown) => {
        throw signal?.aborted ? signal.reason : err;
      });
    }
  }
}

/** Timeouts, broken connections, 429 and 503 say "too much"; any other answer says nothing about load. */
export function loadSignalOf(result: AttemptResult): LoadSignal {
  if (result.ok) return 'answered';
  if (result.kind === 'timeout' || result.kind === 'network') return 'overload';
  return result.status === 429 || result.status === 503 ? 'overload' : 'answered';
}
