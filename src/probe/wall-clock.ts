/** Our clock, as the probes read it. */
export interface WallClock {
  /** Epoch ms, finer than a millisecond. */
  now(): number;
  /** How far a reading may be from the system clock, in ms. */
  readonly resolutionMs: number;
}

/**
 * The system clock to a few µs: `Date.now()` has whole milliseconds (truncated), so a reading
 * could be up to 1 ms early; the monotonic clock, anchored at the instant `Date.now()` ticks
 * over, is not. When the system clock is stepped (by NTP or a person) the anchor is found again.
 */
export function systemWallClock(): WallClock {
  let anchor = calibrate();
  return {
    now() {
      const reading = performance.now() + anchor;
      const coarse = Date.now();
      if (reading < coarse - 0.5 || reading > coarse + 1.5) {
        anchor = calibrate();
        return performance.now() + anchor;
      }
      return reading;
    },
    resolutionMs: 0.05,
  };
}

/** Waits (busily, under a millisecond) for `Date.now()` to tick, and anchors there. */
function calibrate(): number {
  const start = Date.now();
  let now = start;
  while (now === start) now = Date.now();
  return now - performance.now();
}
