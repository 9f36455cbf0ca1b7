/**
 * Formats a percentage for humans: `61%` when whole, `61.5%` otherwise, `-` when unknown.
 * Truncates to one decimal instead of rounding so that 74.96 under a 75% limit
 * shows as `74.9%`, never as the limit it is below.
 */
export function formatPercent(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '-';
  // The epsilon keeps binary noise (e.g. 0.7 * 10 = 6.999…) from losing a tenth.
  const tenths = Math.trunc(n * 10 + (n < 0 ? -1e-9 : 1e-9));
  const value = tenths / 10;
  return Number.isInteger(value) ? `${value}%` : `${value.toFixed(1)}%`;
}
