/** Timers behind an interface, so scheduling is tested on a fake clock. */
export interface Timers {
  /** ms, only compared with itself. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's timers and monotonic clock. Timers are unref'd: they never keep the process up alone. */
export const realTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
