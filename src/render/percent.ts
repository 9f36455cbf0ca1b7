/**
 * The one decimal a percentage is shown with, rounded half up (46.67 → 46.7), except that a value
 * just below a whole percentage never reads as reaching it: 74.96 under a 75% limit is 74.9, not
 * 75. The CLI, the live monitor and the dashboard all show this value.
 */
export function displayPercent(n: number): number {
  // The epsilon keeps binary noise (46.65 * 10 = 466.4999…) from rounding half down.
  let tenths = Math.round(n * 10 + 1e-9);
  if (tenths % 10 === 0 && tenths / 10 - n > 1e-9) tenths -= 1;
  return tenths / 10;
}

/** Formats a percentage for humans: `61%` when whole, `61.5%` otherwise, `-` when unknown. */
export function formatPercent(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '-';
  const value = displayPercent(n);
  return Number.isInteger(value) ? `${value}%` : `${value.toFixed(1)}%`;
}
