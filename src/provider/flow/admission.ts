import type { Clock } from '../../time/clock.ts';
import { AdaptiveWindow, type LoadSignal } from './adaptive-window.ts';
import { Limiter } from './limiter.ts';
import { TokenBucket } from './token-bucket.ts';

/** How hard the client may push the provider. */
export interface AdmissionOptions {
  /** `--concurrency`: requests in flight never exceed it. */
  readonly concurrency: number;
  /** `--rate`: requests per second, averaged; undefined for no cap. */
  readonly ratePerSecond?: number | undefined;
  /** Adapt the window below `concurrency` to the provider's latency and errors; default true. */
  readonly adaptive?: boolean;
  readonly clock: Clock;
}

/** A held slot: give it back with {@link Admission.settle}, or before that with {@link release}. */
export class Ticket {
  readonly number: number;
  readonly startedAt: number;
  /** Whether its latency says something about load (stats reads; not the large `/servers` list). */
  readonly sampled: boolean;
  #limiter: Limiter | undefined;

  constructor(limiter: Limiter, number: number, startedAt: number, sampled: boolean) {
    this.#limiter = limiter;
    this.number = number;
    this.startedAt = startedAt;
    this.sampled = sampled;
  }

  /**
   * Frees the slot while the request still ends later: the server is done with it but for the
   * body, and another request goes out behind it (pipelining). Once only.
   */
  release(): void {
    const limiter = this.#limiter;
    this.#limiter = undefined;
    limiter?.release();
  }
}

/**
 * Every request to the provider is admitted here: the adaptive window (never above
 * `--concurrency`), the `--rate` token bucket, and a pause for everyone while the provider has
 * asked, with `Retry-After`, to be left alone.
 */
export class Admission {
  readonly #limiter: Limiter;
  readonly #window: AdaptiveWindow | undefined;
  readonly #bucket: TokenBucket | undefined;
  readonly #clock: Clock;
  #pausedUntil = 0;
  /** `--concurrency` as a whole number. */
  readonly max: number;

  constructor(options: AdmissionOptions) {
    const max = Math.max(1, Math.floor(options.concurrency));
    this.max = max;
    this.#window = options.adaptive === false ? undefined : new AdaptiveWindow({ max });
    this.#limiter = new Limiter(this.#window?.limit ?? max);
    this.#bucket =
      options.ratePerSecond === undefined ? undefined : new TokenBucket(options.ratePerSecond);
    this.#clock = options.clock;
  }

  /** Requests allowed in flight now. */
  get limit(): number {
    return this.#limiter.limit;
  }

  /** How often the window has been cut. */
  get decreases(): number {
    return this.#window?.decreases ?? 0;
  }

  /** Lowest recent answer time in ms; infinite before the first (or with a fixed window). */
  get baselineMs(): number {
    return this.#window?.baselineMs ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Waits for a slot, a token and the end of any pause; rejects with the signal's reason on
   * abort. Returns the ticket itself, without a promise, when nothing stands in the way: at
   * 100k requests the promises of the waiting path are a visible share of the client's time.
   */
  admit(signal: AbortSignal | undefined, sampled: boolean): Ticket | Promise<Ticket> {
    const free =
      this.#bucket === undefined &&
      (this.#pausedUntil === 0 || this.#pausedUntil <= this.#clock.now()) &&
      signal?.aborted !== true &&
      this.#limiter.tryAcquire();
    return free ? this.#ticket(sampled) : this.#admitWhenFree(signal, sampled);
  }

  /**
   * The request ended: gives the slot back unless released already; `signal` (undefined when
   * the request was aborted) feeds the window.
   */
  settle(ticket: Ticket, signal: LoadSignal | undefined): void {
    const window = this.#window;
    if (window !== undefined && signal !== undefined && (ticket.sampled || signal === 'overload')) {
      window.finish(ticket.number, this.#clock.now() - ticket.startedAt, signal);
      this.#limiter.setLimit(window.limit);
    }
    ticket.release();
  }

  /** No new request starts for `ms` (the provider asked, with 429 or 503 and `Retry-After`). */
  pause(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.now() + ms);
  }

  async #admitWhenFree(signal: AbortSignal | undefined, sampled: boolean): Promise<Ticket> {
    await this.#waitForPause(signal);
    await this.#limiter.acquire(signal);
    try {
      const wait = this.#bucket?.reserve(this.#clock.now()) ?? 0;
      if (wait > 0) await this.#clock.sleep(wait, signal);
    } catch (err) {
      this.#limiter.release();
      throw err;
    }
    return this.#ticket(sampled);
  }

  #ticket(sampled: boolean): Ticket {
    return new Ticket(this.#limiter, this.#window?.start() ?? 0, this.#clock.now(), sampled);
  }

  async #waitForPause(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      const wait = this.#pausedUntil - this.#clock.now();
      if (wait <= 0) return;
      await this.#clock.sleep(wait, signal);
    }
  }
}
