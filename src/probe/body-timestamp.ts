// Finding the server's time in a body, as `/now` services return it: ISO 8601 / RFC 3339 text
// or an epoch number (s, ms, µs or ns) in JSON, or alone as text. Only a reading finer than a
// second is worth more than the `Date` header.
import { daysIn } from './http-date.ts';
import type { ServerStamp } from './offset-interval.ts';

/** What a body says about the server's clock. */
export type BodyStamp =
  /** A time finer than a second, and the field it came from (`$` for the whole body). */
  | { readonly kind: 'stamp'; readonly stamp: ServerStamp; readonly field: string }
  /** A time, but only to the second: the `Date` header is as good. */
  | { readonly kind: 'coarse'; readonly field: string }
  /** A field that names a time holds something that is not one. */
  | { readonly kind: 'garbage'; readonly field: string; readonly problem: string }
  | { readonly kind: 'none' };

/** Keys (lower case, without `_` and `-`) whose value must be a time when present. */
const TIME_KEYS = new Set([
  'now',
  'timestamp',
  'ts',
  'iso',
  'isotime',
  'datetime',
  'utcdatetime',
  'currenttime',
  'currentdatetime',
  'servertime',
  'epoch',
  'epochs',
  'epochsec',
  'epochseconds',
  'epochms',
  'epochmillis',
  'epochus',
  'epochmicros',
  'epochns',
  'epochnanos',
  'unix',
  'unixtime',
  'unixms',
  'unixtimems',
  'unixmillis',
  'unixus',
  'unixns',
]);
/** Keys that often hold a time but may hold something else (a date alone, a duration). */
const MAYBE_TIME_KEYS = new Set(['time', 'date', 'utc', 'millis', 'milliseconds']);

/** ms per unit, by what a key's name says. */
function unitOfKey(key: string): number | undefined {
  if (/(?:ms|millis|milliseconds)$/.test(key)) return 1;
  if (/(?:us|micros)$/.test(key)) return 1e-3;
  if (/(?:ns|nanos)$/.test(key)) return 1e-6;
  if (/(?:sec|seconds|epochs)$/.test(key)) return 1000;
  return undefined;
}

/** Where to look in a JSON body: how deep, and how many fields at most. */
const MAX_DEPTH = 3;
const MAX_FIELDS = 2000;

/**
 * Reads the finest time a body gives. `isJson` comes from the `Content-Type`; a body that
 * parses as JSON is read as JSON anyway.
 */
export function findBodyStamp(body: string, isJson: boolean): BodyStamp {
  const text = body.trim();
  if (text === '') return { kind: 'none' };
  const json = parseWithSource(text);
  if (json !== undefined) return fromJson(json);
  const whole = readTime(text, undefined);
  if (whole !== undefined) return classify(whole, '$');
  if (isJson) return { kind: 'none' };
  // A time somewhere in a text: the first ISO 8601 date-time with a zone.
  const embedded =
    /\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:[Zz]|[+-]\d{2}:?\d{2})/.exec(text);
  return embedded === null ? { kind: 'none' } : classify(readIso(embedded[0]), '$');
}

/** A JSON value with the source text of each number, so `1.500` keeps its three decimals. */
type Sourced =
  | { readonly kind: 'number'; readonly source: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'object'; readonly entries: [string, Sourced][] }
  | { readonly kind: 'array'; readonly items: Sourced[] }
  | { readonly kind: 'other' };

function parseWithSource(text: string): Sourced | undefined {
  const first = text[0];
  if (first !== '{' && first !== '[' && first !== '"') return undefined;
  try {
    // The reviver's third argument (JSON.parse source text access) holds a number's own text.
    return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
      sourced(value, context?.source),
    ) as Sourced;
  } catch {
    return undefined;
  }
}

function sourced(value: unknown, source: string | undefined): Sourced {
  if (typeof value === 'number') return { kind: 'number', source: source ?? String(value) };
  if (typeof value === 'string') return { kind: 'string', value };
  if (Array.isArray(value)) return { kind: 'array', items: value as Sourced[] };
  if (value !== null && typeof value === 'object') {
    return { kind: 'object', entries: Object.entries(value as Record<string, Sourced>) };
  }
  return { kind: 'other' };
}

/** A reading from one field: a stamp (maybe coarse), or why it is not a time. */
type Reading = ServerStamp | { readonly problem: string };

function fromJson(root: Sourced): BodyStamp {
  if (root.kind === 'string') return classify(readTime(root.value, undefined), '$');
  let best: BodyStamp = { kind: 'none' };
  let seen = 0;
  // Breadth first, so a time at the top wins over one nested deeper of the same precision.
  let level: { path: string; node: Sourced }[] = [{ path: '$', node: root }];
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0; depth++) {
    const next: typeof level = [];
    for (const { path, node } of level) {
      const children: { key: string | undefined; path: string; node: Sourced }[] =
        node.kind === 'object'
          ? node.entries.map(([key, child]) => ({ key, path: `${path}.${key}`, node: child }))
          : node.kind === 'array'
            ? node.items.map((child, i) => ({ key: undefined, path: `${path}[${i}]`, node: child }))
            : [];
      for (const child of children) {
        if (++seen > MAX_FIELDS) return best;
        if (child.key !== undefined)
          best = better(best, fieldStamp(child.key, child.path, child.node));
        next.push(child);
      }
    }
    level = next;
  }
  return best;
}

function fieldStamp(key: string, path: string, value: Sourced): BodyStamp {
  const name = key.toLowerCase().replace(/[_-]/g, '');
  const strong = TIME_KEYS.has(name);
  if (!strong && !MAYBE_TIME_KEYS.has(name)) return { kind: 'none' };
  const unit = unitOfKey(name);
  const reading =
    value.kind === 'number'
      ? readEpoch(value.source, unit)
      : value.kind === 'string'
        ? readTime(value.value, unit)
        : undefined;
  if (reading === undefined || 'problem' in reading) {
    if (!strong) return { kind: 'none' };
    const problem = reading?.problem ?? `${shown(value)} is not a time`;
    return { kind: 'garbage', field: path, problem };
  }
  return classify(reading, path);
}

function shown(value: Sourced): string {
  const text =
    value.kind === 'number'
      ? value.source
      : value.kind === 'string'
        ? JSON.stringify(value.value)
        : value.kind;
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Precedence: a fine stamp (the finest wins), then garbage, then a coarse time, then nothing. */
function better(a: BodyStamp, b: BodyStamp): BodyStamp {
  const rank = (s: BodyStamp) =>
    s.kind === 'stamp' ? 3 : s.kind === 'garbage' ? 2 : s.kind === 'coarse' ? 1 : 0;
  if (a.kind === 'stamp' && b.kind === 'stamp') {
    return b.stamp.precisionMs < a.stamp.precisionMs ? b : a;
  }
  return rank(b) > rank(a) ? b : a;
}

function classify(reading: Reading | undefined, field: string): BodyStamp {
  if (reading === undefined) return { kind: 'none' };
  if ('problem' in reading) return { kind: 'garbage', field, problem: reading.problem };
  return reading.precisionMs < 1000
    ? { kind: 'stamp', stamp: reading, field }
    : { kind: 'coarse', field };
}

/** Text that is a time: an epoch number or ISO 8601; `undefined` when it looks like neither. */
function readTime(text: string, unit: number | undefined): Reading | undefined {
  const value = text.trim();
  if (/^[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(value)) return readEpoch(value, unit);
  if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}/.test(value)) return readIso(value);
  // An HTTP or RFC 2822 date: a time, to the second only.
  const parsed = /[a-z]{3}.*\d{2}:\d{2}:\d{2}/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isFinite(parsed) ? { ms: parsed, precisionMs: 1000 } : undefined;
}

/** ms per unit by magnitude: seconds until the year 5138, then ms, µs, ns. */
function unitOfMagnitude(value: number): number {
  if (value < 1e11) return 1000;
  if (value < 1e14) return 1;
  if (value < 1e17) return 1e-3;
  return 1e-6;
}

/** An epoch number from its source text; its decimals give its precision. */
function readEpoch(source: string, unitFromKey: number | undefined): Reading {
  const value = Number(source);
  if (!Number.isFinite(value) || value < 0) return { problem: `${source} is not a time` };
  const unit = unitFromKey ?? unitOfMagnitude(value);
  const mantissa = /^[+-]?\d+(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(source);
  const decimals = (mantissa?.[1]?.length ?? 0) - Number(mantissa?.[2] ?? 0);
  const ms = value * unit;
  if (ms > 253_402_300_800_000) return { problem: `${source} is after the year 9999` };
  // No finer than a double holds at that magnitude (~0.2 µs today): more decimals are noise.
  return { ms, precisionMs: Math.max(unit * 10 ** -Math.max(0, decimals), ulp(ms)) };
}

/** The gap between a double and the next one up. */
function ulp(x: number): number {
  return x === 0 ? Number.MIN_VALUE : 2 ** (Math.floor(Math.log2(Math.abs(x))) - 52);
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/** RFC 3339 / ISO 8601 extended date-time; a zone is required, since local time is a guess. */
function readIso(text: string): Reading {
  const m = ISO.exec(text);
  if (m === null)
    return { problem: `${JSON.stringify(text.slice(0, 40))} is not an ISO 8601 time` };
  const [, y, mo, d, h, mi, s = '00', fraction, zulu, sign, zh, zm] = m;
  if (zulu === undefined && sign === undefined) {
    return {
      problem: `${JSON.stringify(text)} has no time zone (add Z or an offset such as +02:00)`,
    };
  }
  const year = Number(y);
  const month = Number(mo) - 1;
  const day = Number(d);
  const valid =
    month >= 0 &&
    month <= 11 &&
    day >= 1 &&
    day <= daysIn(year, month) &&
    Number(h) <= 23 &&
    Number(mi) <= 59 &&
    Number(s) <= 60 &&
    Number(zh ?? 0) <= 23 &&
    Number(zm ?? 0) <= 59;
  if (!valid) return { problem: `${JSON.stringify(text)} is not a valid date and time` };
  const zoneMs =
    sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm)) * 60_000;
  const whole = Date.UTC(year, month, day, Number(h), Number(mi), Number(s)) - zoneMs;
  const digits = fraction?.length ?? 0;
  return {
    ms: whole + (digits === 0 ? 0 : Number(`0.${fraction}`) * 1000),
    precisionMs: 1000 * 10 ** -digits,
  };
}
