/** Our clock, as the probes read it. */
export interface WallClock {
  /** Epoch ms, finer than a millisecond. */
  now(): number;
  /** How far a reading may be from the system clock, in ms. */
  readonly resolutionMs: number;
}

/** A calibration whose tick was seen within this long is taken at once. */
const GOOD_BRACKET_MS = 0.02;
/** Ticks watched at most for a good calibration (a millisecond each). */
const ATTEMPTS = 20;
/** How far a reading may stray from `Date.now()` before the anchor is found again. */
const STRAY_MS = 0.1;

/**
 * The system clock to a few µs: `Date.now()` has whole milliseconds (truncated), so a reading
 * could be up to 1 ms early; the monotonic clock, anchored at the instant `Date.now()` ticks
 * over, is not. When the system clock is stepped (by NTP or a person) the anchor is found again.
 */
export function systemWallClock(): WallClock {
  let anchor = calibrate();
  return {
    now() {
      const before = Date.now();
      const reading = performance.now() + anchor.offset;
      const after = Date.now();
      // Date.now() truncates: a true reading lies in [before, after + 1), however long this
      // process was preempted between the calls.
      if (reading < before - STRAY_MS || reading >= after + 1 + STRAY_MS) {
        anchor = calibrate();
        return performance.now() + anchor.offset;
      }
      return reading;
    },
    get resolutionMs() {
      return anchor.errorMs + STRAY_MS;
    },
  };
}

/**
 * Watches `Date.now()` tick over, and anchors the monotonic clock there. The tick happened
 * between the last call that returned the old value and the first that returned the new one;
 * a process preempted in between would anchor late, so the narrowest bracket of a few ticks is
 * kept (almost always the first: a few hundred ns).
 */
function calibrate(): { offset: number; errorMs: number } {
  let best = { offset: Date.now() - performance.now(), errorMs: 1 };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    let before = performance.now();
    const start = Date.now();
    let now = start;
    let after = before;
    while (now === start) {
      before = after;
      now = Date.now();
      after = performance.now();
    }
    const errorMs = (after - before) / 2;
    if (errorMs < best.errorMs) best = { offset: now - (before + after) / 2, errorMs };
    if (errorMs <= GOOD_BRACKET_MS) break;
  }
  return best;
}
