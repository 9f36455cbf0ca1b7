// Field parsers of probes, shared by `fleetmon check`'s flags and the `probes:` section of the
// config file, so a value means the same in both.
import { parseDuration } from '../core/duration.ts';
import { type BodyAssertion, jsonAssertion, regexAssertion } from '../probe/body-assertion.ts';
import { type ExpectedStatus, parseExpectedStatus } from '../probe/expected-status.ts';
import type { FieldParser } from './fields.ts';

/** An absolute http: or https: URL with a host. */
export const httpUrl: FieldParser<string> = (input) => {
  const text = input.trim();
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (
    url === undefined ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.hostname === ''
  ) {
    return {
      ok: false,
      allowed: 'an http:// or https:// URL, e.g. https://api.example.com/health',
    };
  }
  return { ok: true, value: url.href };
};

/** An HTTP method: a token, upper-cased; CONNECT opens a tunnel, which is not a probe. */
export const httpMethod: FieldParser<string> = (input) => {
  const method = input.trim().toUpperCase();
  return /^[A-Z][A-Z0-9!#$%&'*+.^_`|~-]*$/.test(method) && method !== 'CONNECT'
    ? { ok: true, value: method }
    : { ok: false, allowed: 'an HTTP method such as GET, HEAD or POST' };
};

/** `200`, `2xx`, `200-299` or a list of them. */
export const expectedStatus: FieldParser<ExpectedStatus> = (input) => {
  const parsed = parseExpectedStatus(input);
  return parsed === undefined
    ? { ok: false, allowed: 'a status such as 200, 2xx, 200-299, or a comma-separated list' }
    : { ok: true, value: parsed };
};

/** `Name: value`, as curl's -H takes it. */
export const headerLine: FieldParser<[string, string]> = (input) => {
  const colon = input.indexOf(':');
  const name = input.slice(0, Math.max(0, colon)).trim();
  const value = input.slice(colon + 1).trim();
  return colon > 0 && isHeaderName(name) && isHeaderValue(value)
    ? { ok: true, value: [name, value] }
    : { ok: false, allowed: 'a header such as "Authorization: Bearer abc"' };
};

/** A header name: an RFC 9110 token. */
export function isHeaderName(name: string): boolean {
  return /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name);
}

/** A header value: no line breaks or other control characters. */
export function isHeaderValue(value: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  return !/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value);
}

/** `PATH` (the value must exist) or `PATH=VALUE` (JSON literal, or else text). */
export const jsonExpectation: FieldParser<BodyAssertion> = (input) => {
  const eq = input.indexOf('=');
  const path = (eq === -1 ? input : input.slice(0, eq)).trim();
  const made =
    eq === -1 ? jsonAssertion(path) : jsonAssertion(path, literal(input.slice(eq + 1).trim()));
  return made.ok
    ? made
    : {
        ok: false,
        problem: made.problem.replace(/^".*?" /, ''),
        allowed: 'PATH or PATH=VALUE, e.g. $.status=ok',
      };
};

function literal(text: string): string | number | boolean | null {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      return value as string | number | boolean | null;
    }
  } catch {
    // not JSON: the text itself
  }
  return text;
}

/** A regular expression the body must match. */
export const bodyRegex: FieldParser<BodyAssertion> = (input) => {
  const made = regexAssertion(input);
  return made.ok
    ? made
    : { ok: false, problem: 'does not compile', allowed: 'a JavaScript regular expression' };
};

/** A duration that may be negative: `-1.5s`, `900ms`, `+2s`. */
export const signedDuration: FieldParser<number> = (input) => {
  const text = input.trim();
  const sign = text.startsWith('-') ? -1 : 1;
  const ms = parseDuration(text.replace(/^[+-]/, ''));
  return ms !== null && ms <= 7 * 86_400_000
    ? { ok: true, value: sign * ms }
    : { ok: false, allowed: 'a duration such as 1.5s, -900ms or 2m (at most 7 days either way)' };
};
