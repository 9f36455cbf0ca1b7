/** A pending timer from {@link Clock.setTimeout}. */
export interface Timer {
  /** Lets the process exit while the timer is pending. */
  unref(): unknown;
}

/**
 * Where timing code gets the time and its timers. Production code uses {@link systemClock};
 * tests pass a `FakeClock` (fake-clock.test-helper.ts) and move time themselves, so that no
 * test waits for the wall clock or depends on how fast the machine is.
 */
export interface Clock {
  /** Monotonic milliseconds, for durations and deadlines. */
  now(): number;
  /** Milliseconds since the epoch, for timestamps and HTTP dates. */
  wallNow(): number;
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
  setTimeout: (callback, ms) => setTimeout(callback, ms),
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
