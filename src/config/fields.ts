import { parseDuration } from '../core/duration.ts';
import { parseTimePoint, TIME_POINT_FORMS, type TimePoint } from '../core/time-point.ts';

/**
 * Validation of one setting's text, shared by flags, environment and config
 * file so a value means the same wherever it is given. Each returns the value,
 * or a message saying what is allowed (the caller names where the value came from).
 */
export type FieldParser<T> = (text: string) => FieldResult<T>;

/**
 * A value, or what is allowed; optionally what is wrong with this one ("has no host") and, for a
 * list, which item it is about.
 */
export type FieldResult<T> =
  | { ok: true; value: T }
  | { ok: false; allowed: string; problem?: string; item?: string };

/** Any text that is not blank, trimmed. */
export const text: FieldParser<string> = (input) => {
  const value = input.trim();
  return value === '' ? { ok: false, allowed: 'a value that is not blank' } : { ok: true, value };
};

/** A whole number within [min, max]. */
export function integer(min: number, max: number): FieldParser<number> {
  return (text) => {
    const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
    return Number.isSafeInteger(value) && value >= min && value <= max
      ? { ok: true, value }
      : { ok: false, allowed: `a whole number from ${min} to ${max}` };
  };
}

/** A percentage 0–100, with or without a `%` sign. */
export const percent: FieldParser<number> = (text) => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const value = match ? Number(match[1]) : Number.NaN;
  return value >= 0 && value <= 100
    ? { ok: true, value }
    : { ok: false, allowed: 'a percentage from 0 to 100, e.g. 75 or 80.5%' };
};

/** A fraction 0–1 or a percentage (`0.05` or `5%`). */
export const rate: FieldParser<number> = (text) => {
  const trimmed = text.trim();
  if (trimmed.endsWith('%')) {
    const p = percent(trimmed);
    return p.ok ? { ok: true, value: p.value / 100 } : p;
  }
  const value = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  return value >= 0 && value <= 1
    ? { ok: true, value }
    : { ok: false, allowed: 'a rate from 0 to 1, or a percentage such as 5%' };
};

/** A duration within [minMs, maxMs]: `500ms`, `5s`, `1m`. */
export function duration(minMs: number, maxMs: number): FieldParser<number> {
  return (text) => {
    const ms = parseDuration(text);
    return ms !== null && ms >= minMs && ms <= maxMs
      ? { ok: true, value: ms }
      : {
          ok: false,
          allowed: `a duration such as 500ms, 5s or 1m (${minMs}ms to ${maxMs / 1000}s)`,
        };
  };
}

/** One of a fixed list of words. */
export function oneOf<const T extends string>(choices: readonly T[]): FieldParser<T> {
  return (text) => {
    const value = text.trim().toLowerCase();
    const found = choices.find((c) => c === value);
    return found !== undefined
      ? { ok: true, value: found }
      : { ok: false, allowed: `one of ${choices.join(', ')}` };
  };
}

const BYTE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
};

/** A size within [min, max] bytes: `1048576`, `512KiB`, `1MiB`, `1.5MB`, `64k` (k, M, G are binary). */
export function bytes(min: number, max: number): FieldParser<number> {
  return (text) => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
    const unit = match ? BYTE_UNITS[(match[2] ?? '').toLowerCase()] : undefined;
    const value = match && unit !== undefined ? Math.floor(Number(match[1]) * unit) : Number.NaN;
    return value >= min && value <= max
      ? { ok: true, value }
      : {
          ok: false,
          allowed: `a size such as 512KiB, 1MiB or 1048576 (${min} bytes to ${max / 1024 ** 2} MiB)`,
        };
  };
}

/** A number within [min, max], decimals allowed: `0.5`, `20`, `1500`. */
export function positiveNumber(min: number, max: number): FieldParser<number> {
  return (text) => {
    const value = /^\s*\d+(?:\.\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
    return value >= min && value <= max
      ? { ok: true, value }
      : { ok: false, allowed: `a number from ${min} to ${max}` };
  };
}

/** A moment: an ISO 8601 time or date (local unless it names a zone), epoch ms, now, or `6h` ago. */
export const timePoint: FieldParser<TimePoint> = (input) => {
  const point = parseTimePoint(input);
  return point === null ? { ok: false, allowed: TIME_POINT_FORMS } : { ok: true, value: point };
};

/** A history step: `raw` (every scan) or a duration of at least a second. */
export const historyStep: FieldParser<number | 'raw'> = (input) => {
  if (input.trim().toLowerCase() === 'raw') return { ok: true, value: 'raw' };
  const ms = parseDuration(input);
  return ms !== null && ms >= 1000
    ? { ok: true, value: ms }
    : { ok: false, allowed: 'raw, or a duration of 1s or more such as 1m, 5m, 1h' };
};
