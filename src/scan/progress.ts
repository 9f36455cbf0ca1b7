import type { ScanProgress } from './scan.ts';

/** Least time between two progress reports while a scan runs. */
export const PROGRESS_INTERVAL_MS = 100;

/** Counts finished readings and reports them, throttled, plus exactly once at the end. */
export interface ProgressCounter {
  record(ok: boolean): void;
  finish(): void;
}

/** A counter that calls `onProgress` at most every 100 ms by `now`, and never after `finish`. */
export function createProgress(
  total: number,
  startedAt: number,
  now: () => number,
  onProgress: ((p: ScanProgress) => void) | undefined,
): ProgressCounter {
  let done = 0;
  let failed = 0;
  let last = startedAt;
  let finished = false;
  return {
    record(ok) {
      if (finished) return;
      done++;
      if (!ok) failed++;
      if (onProgress === undefined) return;
      const at = now();
      if (at - last < PROGRESS_INTERVAL_MS) return;
      last = at;
      onProgress({ done, total, failed });
    },
    finish() {
      if (finished) return;
      finished = true;
      onProgress?.({ done, total, failed });
    },
  };
}
