/**
 * The last `of` evaluations of one condition as bits (bit 0 the latest, 1 = failing); `of` is at
 * most 30, so the window fits a small integer and copying it is free.
 */
export interface FlapWindow {
  readonly bits: number;
  /** Evaluations recorded, up to `of`. */
  readonly count: number;
}

export const EMPTY_WINDOW: FlapWindow = { bits: 0, count: 0 };

const mask = (n: number): number => (n <= 0 ? 0 : n >= 31 ? 0x7fffffff : (1 << n) - 1);

/** The window after one more evaluation. */
export function record(window: FlapWindow, failing: boolean, of: number): FlapWindow {
  return {
    bits: ((window.bits << 1) | (failing ? 1 : 0)) & mask(of),
    count: Math.min(window.count + 1, of),
  };
}

/** Failing evaluations in the window. */
export function failuresIn(window: FlapWindow): number {
  return popcount(window.bits);
}

/** Changes between neighbouring evaluations in the window (failing to passing or back). */
export function transitionsIn(window: FlapWindow): number {
  return popcount((window.bits ^ (window.bits >>> 1)) & mask(window.count - 1));
}

/**
 * A condition that changed on more than half of the steps of its window is flapping: it is held
 * pending and notifies nobody until it settles. An instance that is healthy and unreachable in
 * turn changes on every step; a real outage changes once. Windows shorter than 3 never flap.
 */
export function isFlapping(window: FlapWindow, of: number): boolean {
  return of >= 3 && 2 * transitionsIn(window) > of - 1;
}

function popcount(n: number): number {
  let v = n - ((n >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
