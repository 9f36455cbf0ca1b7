/** A pending timer from {@link Clock.setTimeout}. */
export interface Timer {
  /** Lets the process exit while the timer is pending (background work: probes, pings). */
  unref(): Timer;
}

/**
 * Where fleetmon gets the time and its timers. Production code uses {@link systemClock}, passed
 * down from the composition root; tests pass a `FakeClock` (fake-clock.test-helper.ts) and move
 * time themselves, so that no test waits for the wall clock or depends on how fast the machine
 * is. Nothing outside `src/time/` reads the system time or sets a timer.
 */
export interface Clock {
  /** Monotonic milliseconds, for durations, deadlines and schedules; only compared with itself. */
  now(): number;
  /** Milliseconds since the epoch, for timestamps, HTTP dates and anything a person reads. */
  wallNow(): number;
  /** Calls `callback` once after `ms` (at once when not positive); the timer keeps the process up. */
  setTimeout(callback: () => void, ms: number): Timer;
  clearTimeout(timer: Timer | undefined): void;
  /** Runs `callback` after the I/O that is already pending has been handled. */
  setImmediate(callback: () => void): void;
  /** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real time: `performance.now`, `Date.now` and Node's timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, Math.max(0, ms)),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout | undefined),
  setImmediate: (callback) => {
    setImmediate(callback);
  },
  sleep: (ms, signal) => sleepOn(systemClock, ms, signal),
};

/** {@link Clock.sleep} on `clock`'s timers; removes its abort listener however it ends. */
export function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Sleeps like {@link Clock.sleep}, but resolves false instead of rejecting when aborted. */
export function sleepUnlessAborted(
  clock: Clock,
  ms: number,
  signal?: AbortSignal,
): Promise<boolean> {
  return clock.sleep(ms, signal).then(
    () => true,
    () => false,
  );
}

/**
 * Waits for `work` at most `ms`: true when it settled in time, false when it is left running (a
 * store that stopped answering). Its rejection, if in time, is passed on; no timer is left.
 */
export async function settlesWithin(
  clock: Clock,
  ms: number,
  work: Promise<unknown>,
): Promise<boolean> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      work.then(() => true),
      sleepUnlessAborted(clock, ms, timer.signal).then(() => false),
    ]);
  } finally {
    timer.abort();
  }
}

/**
 * Calls `callback` every `ms` until the returned function is called; each call is timed from
 * the one before, like Node's `setInterval`.
 */
export function every(clock: Clock, ms: number, callback: () => void): () => void {
  let timer: Timer | undefined;
  let stopped = false;
  const arm = (): void => {
    timer = clock.setTimeout(() => {
      if (stopped) return;
      arm();
      callback();
    }, ms);
  };
  arm();
  return () => {
    stopped = true;
    clock.clearTimeout(timer);
  };
}
