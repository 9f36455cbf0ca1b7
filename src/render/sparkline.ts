const BARS = '▁▂▃▄▅▆▇█';

/**
 * Draws one block character per value, scaled between `min` and `max` (clamped);
 * a non-finite value (e.g. NaN for a tick where the instance was unreachable) is a gap.
 */
export function sparkline(values: readonly number[], min = 0, max = 100): string {
  const span = max - min;
  let out = '';
  for (const value of values) {
    if (!Number.isFinite(value)) {
      out += ' ';
      continue;
    }
    const ratio = span > 0 ? (value - min) / span : 0;
    const index = Math.min(BARS.length - 1, Math.max(0, Math.floor(ratio * BARS.length)));
    out += BARS[index];
  }
  return out;
}
