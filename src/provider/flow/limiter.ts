interface Waiter {
  readonly signal: AbortSignal | undefined;
  readonly wake: () => void;
  readonly reject: (reason: unknown) => void;
  cancelled: boolean;
}

/**
 * Caps how many requests are in flight. Timeouts start only once a slot is held,
 * so a long queue never turns into timeouts, and the connection pool never queues.
 * The cap may change at any time (`setLimit`, driven by adaptive concurrency):
 * raising it wakes waiters at once, lowering it takes effect as requests finish.
 */
export class Limiter {
  #limit: number;
  #active = 0;
  // A head index instead of shift() keeps a queue of 100k waiters O(1) per release.
  #waiters: Waiter[] = [];
  #head = 0;
  /**
   * Signals with this limiter's one abort listener each. A listener per waiter (added, then
   * removed on waking) was EventTarget bookkeeping on every request once the window is below
   * the scan's workers; attempt.ts shares one per signal for the same reason.
   */
  readonly #watched = new WeakSet<AbortSignal>();

  constructor(limit: number) {
    this.#limit = Math.max(1, Math.floor(limit));
  }

  /** Requests in flight now. */
  get active(): number {
    return this.#active;
  }

  /** The cap now. */
  get limit(): number {
    return this.#limit;
  }

  /** Changes the cap; waiters get the slots a higher cap frees. */
  setLimit(limit: number): void {
    this.#limit = Math.max(1, Math.floor(limit));
    while (this.#active < this.#limit && this.#wakeNext()) this.#active++;
  }

  /** Takes a slot if one is free now; false otherwise (nothing is queued). */
  tryAcquire(): boolean {
    if (this.#active >= this.#limit) return false;
    this.#active++;
    return true;
  }

  /** Resolves once a slot is held; rejects with the signal's reason if aborted while waiting. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ signal, wake: resolve, reject, cancelled: false });
      if (signal !== undefined && !this.#watched.has(signal)) {
        this.#watched.add(signal);
        signal.addEventListener('abort', () => this.#cancel(signal), { once: true });
      }
    });
  }

  /** Rejects, with its reason, every waiter still waiting under `signal`. */
  #cancel(signal: AbortSignal): void {
    for (let i = this.#head; i < this.#waiters.length; i++) {
      const waiter = this.#waiters[i];
      if (waiter === undefined || waiter.cancelled || waiter.signal !== signal) continue;
      waiter.cancelled = true;
      waiter.reject(signal.reason);
    }
  }

  /** Gives a slot back, handing it straight to the next waiter still waiting unless the cap has dropped. */
  release(): void {
    if (this.#active <= this.#limit && this.#wakeNext()) return;
    this.#active--;
  }

  /** Wakes the next live waiter (its slot is the caller's to account for); false when none waits. */
  #wakeNext(): boolean {
    while (this.#head < this.#waiters.length) {
      const next = this.#waiters[this.#head++];
      if (this.#head > 1024 && this.#head * 2 > this.#waiters.length) {
        this.#waiters = this.#waiters.slice(this.#head);
        this.#head = 0;
      }
      if (next !== undefined && !next.cancelled) {
        next.wake();
        return true;
      }
    }
    this.#waiters = [];
    this.#head = 0;
    return false;
  }
}
