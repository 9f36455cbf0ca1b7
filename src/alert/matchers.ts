import type { Labels } from '../core/alert-types.ts';

/** `=` equal, `!=` not equal, `=~` matches the regex, `!~` does not (Alertmanager's operators). */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One label matcher, as in routes, silences, rule scopes and maintenance windows. */
export interface Matcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
  /** Anchored, as Alertmanager anchors them: `Pay.*` must match the whole value. */
  readonly regex?: RegExp;
}

/** Prometheus' label name syntax. */
export const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Long regexes are refused: they run against every alert a silence or route sees. */
const MAX_VALUE = 1024;

/**
 * Parses `service=Payment`, `service="Payment Gateway"`, `severity!=info`, `service=~"Pay.*"`.
 * Returns the matcher, or one line saying what is wrong.
 */
export function parseMatcher(text: string): Matcher | string {
  const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/.exec(text);
  if (match === null) {
    return `"${text}" is not a matcher; expected name=value, name!=value, name=~regex or name!~regex`;
  }
  const [, name = '', op = '=', raw = ''] = match;
  const value = unquote(raw);
  if (value === undefined) return `"${text}": a quoted value must end with an unescaped "`;
  if (value.length > MAX_VALUE)
    return `"${name}": the value is longer than ${MAX_VALUE} characters`;
  if (op === '=~' || op === '!~') {
    try {
      return { name, op, value, regex: new RegExp(`^(?:${value})$`, 'u') };
    } catch (err) {
      return `"${text}": not a valid regular expression (${(err as Error).message})`;
    }
  }
  return { name, op: op as MatchOp, value };
}

/** Parses a list of matchers, or says what is wrong with the first bad one. */
export function parseMatchers(texts: readonly string[]): Matcher[] | string {
  const matchers: Matcher[] = [];
  for (const text of texts) {
    const parsed = parseMatcher(text);
    if (typeof parsed === 'string') return parsed;
    matchers.push(parsed);
  }
  return matchers;
}

/** `name="value"`, the canonical form (values always quoted, as amtool prints them). */
export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}

/** A missing label has the empty value, as in Alertmanager. */
export function matchesOne(m: Matcher, labels: Labels): boolean {
  const value = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return m.regex?.test(value) === true;
    case '!~':
      return m.regex?.test(value) !== true;
  }
}

/** Every matcher matches; an empty list matches everything. */
export function matchesAll(matchers: readonly Matcher[], labels: Labels): boolean {
  for (const m of matchers) if (!matchesOne(m, labels)) return false;
  return true;
}

/** Reads a value: bare text as is, or a double-quoted JSON-style string. */
function unquote(raw: string): string | undefined {
  if (!raw.startsWith('"')) return raw;
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
