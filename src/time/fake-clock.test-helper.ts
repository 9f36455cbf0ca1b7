import { type Clock, sleepOn, type Timer } from './clock.ts';

class FakeTimer implements Timer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;

  constructor(at: number, seq: number, callback: () => void) {
    this.at = at;
    this.seq = seq;
    this.callback = callback;
  }

  unref(): this {
    return this;
  }
}

/** Where a {@link FakeClock} starts, and how it treats `sleep`. */
export interface FakeClockOptions {
  /** Monotonic time at the start; default 0. */
  readonly start?: number;
  /** Epoch ms at the start; default 2026-01-01T00:00:00Z. */
  readonly wallStart?: number;
  /**
   * `wait` (default): a sleep ends when the test advances time past it. `skip`: it ends at once
   * and moves time on by its length, for tests that only care which waits were asked for.
   */
  readonly sleeps?: 'wait' | 'skip';
}

/**
 * A {@link Clock} whose time moves only when a test says so. Timers fire in order of due time
 * (then of setting) during {@link advance}, or one at a time with {@link fireNext}; immediates
 * run as in Node, after the I/O of the turn (in {@link advance}, after a turn of the real event
 * loop), or when a test calls {@link runImmediates}. Every `sleep` is recorded in {@link slept}.
 * Real sockets work with it: only the timers are fake.
 */
export class FakeClock implements Clock {
  #now: number;
  readonly #wallStart: number;
  readonly #skipSleeps: boolean;
  #timers: FakeTimer[] = [];
  #immediates: Array<() => void> = [];
  #seq = 0;
  /** The length of every sleep asked for, in order. */
  readonly slept: number[] = [];

  constructor(options: FakeClockOptions = {}) {
    this.#now = options.start ?? 0;
    this.#wallStart = (options.wallStart ?? Date.UTC(2026, 0, 1)) - this.#now;
    this.#skipSleeps = options.sleeps === 'skip';
  }

  now(): number {
    return this.#now;
  }

  wallNow(): number {
    return this.#wallStart + this.#now;
  }

  setTimeout(callback: () => void, ms: number): Timer {
    const timer = new FakeTimer(this.#now + Math.max(0, ms), this.#seq++, callback);
    this.#timers.push(timer);
    return timer;
  }

  clearTimeout(timer: Timer | undefined): void {
    if (!(timer instanceof FakeTimer)) return;
    this.#timers = this.#timers.filter((pending) => pending !== timer);
  }

  setImmediate(callback: () => void): void {
    this.#immediates.push(callback);
  }

  /** Ends when time is advanced past it; at once when it is not positive, or sleeps are skipped. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.slept.push(ms);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (ms > 0 && !this.#skipSleeps) return sleepOn(this, ms, signal);
    this.#now += Math.max(0, ms);
    return Promise.resolve();
  }

  /** Delays from now of the timers still pending, soonest first. */
  pending(): number[] {
    return this.#ordered().map((timer) => timer.at - this.#now);
  }

  /**
   * Fires the next pending timer, moving time to when it was due, and nothing else (not the
   * immediates it queues). Returns false when no timer is pending.
   */
  fireNext(): boolean {
    const next = this.#ordered()[0];
    if (next === undefined) return false;
    this.#timers = this.#timers.filter((timer) => timer !== next);
    this.#now = Math.max(this.#now, next.at);
    next.callback();
    return true;
  }

  /** Runs the immediates queued so far, and those they queue. */
  runImmediates(): void {
    while (this.#immediates.length > 0) {
      const batch = this.#immediates;
      this.#immediates = [];
      for (const callback of batch) callback();
    }
  }

  /**
   * Moves time on by `ms`, firing each timer due on the way at its due time. Before the first
   * timer, after each, and at the end, the program gets turns of the real event loop and its
   * immediates run, so promise continuations and ready I/O callbacks run before time moves on.
   */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    await this.#quiet();
    for (;;) {
      const next = this.#ordered()[0];
      if (next === undefined || next.at > until) break;
      this.fireNext();
      await this.#quiet();
    }
    this.#now = Math.max(this.#now, until);
    await this.#quiet();
  }

  /** A few turns of the real event loop with this clock's immediates run in each. */
  async #quiet(): Promise<void> {
    for (let turn = 0; turn < QUIET_TURNS; turn++) {
      await settle();
      this.runImmediates();
    }
  }

  #ordered(): FakeTimer[] {
    return [...this.#timers].sort((a, b) => a.at - b.at || a.seq - b.seq);
  }
}

/**
 * Turns of the real event loop {@link FakeClock.advance} gives the program around each timer: a
 * promise chain that waits on loopback I/O needs a few (written in one turn, read in the next).
 */
const QUIET_TURNS = 3;

/** One turn of the real event loop: pending promise continuations and I/O callbacks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Resolves once `condition` holds, looking again after each turn of the event loop (and running
 * `clock`'s immediates, when given, before each look); fails after a bounded number of turns
 * rather than hang.
 */
export async function until(
  condition: () => boolean,
  what = 'condition',
  clock?: FakeClock,
): Promise<void> {
  for (let turns = 0; ; turns++) {
    clock?.runImmediates();
    if (condition()) return;
    if (turns > 100_000) throw new Error(`${what} never came true`);
    await settle();
  }
}
