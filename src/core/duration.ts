const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Parses a duration such as `500ms`, `5s`, `1.5s`, `1m`, `2h` or `30d` into milliseconds.
 * A bare number is read as seconds. Returns null when the text is not a duration.
 */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (match === null) return null;
  const value = Number(match[1]);
  const unit = (match[2] ?? 's') as keyof typeof UNIT_MS;
  const ms = value * UNIT_MS[unit];
  return Number.isFinite(ms) ? Math.round(ms) : null;
}

/** Formats milliseconds the way users type them: `500ms`, `5s`, `1.5s`, `2m`, `6h`, `30d`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000 || ms % 60_000 !== 0) return `${Number((ms / 1000).toFixed(1))}s`;
  if (ms % UNIT_MS.d === 0) return `${ms / UNIT_MS.d}d`;
  if (ms % UNIT_MS.h === 0) return `${ms / UNIT_MS.h}h`;
  return `${ms / 60_000}m`;
}
