import { isIP } from 'node:net';
import { preview } from './preview.ts';

/** Result of validating a `GET /servers` body. */
export type ServerListResult =
  | { readonly ok: true; readonly ips: string[]; readonly warnings: string[] }
  | {
      readonly ok: false;
      readonly problem: string;
      /** Set when the list was refused for its length alone: how many entries it had. */
      readonly entries?: number;
    };

const SHOWN = 3;
/** Longest non-IP entry shown as it is; longer ones, and any with control characters, are previewed. */
const MAX_ENTRY_TEXT = 64;
// Entries end up in table cells: control characters would reach the terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Validates the `/servers` body: a JSON array of at most `maxEntries` entries. Each distinct
 * entry is kept once, in order, so every listed instance is accounted for: IP literals as they
 * are, anything else as a short printable text that the client then reports as unreachable
 * (not an IP address). Duplicates and non-IP entries each add a warning. A list with entries
 * but not a single IP is not a fleet list at all, and fails.
 */
export function parseServerList(
  text: string,
  maxEntries = Number.POSITIVE_INFINITY,
): ServerListResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, problem: text.trim() === '' ? 'body is empty' : 'body is not JSON' };
  }
  if (!Array.isArray(body)) return { ok: false, problem: 'body is not a JSON array' };
  if (body.length > maxEntries) {
    return {
      ok: false,
      problem: `it lists ${body.length} entries, more than the limit of ${maxEntries}`,
      entries: body.length,
    };
  }
  const seen = new Set<string>();
  const invalid: unknown[] = [];
  let ipCount = 0;
  let duplicates = 0;
  for (const entry of body) {
    const ip = typeof entry === 'string' && isIP(entry) !== 0;
    const key = ip ? (entry as string) : entryText(entry);
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    if (ip) ipCount++;
    else invalid.push(entry);
  }
  if (ipCount === 0 && invalid.length > 0) {
    return { ok: false, problem: `none of its ${body.length} entries is an IP address` };
  }
  const warnings: string[] = [];
  if (invalid.length > 0) {
    const shown = invalid
      .slice(0, SHOWN)
      .map((entry) => preview(entry))
      .join(', ');
    const more = invalid.length > SHOWN ? ', ...' : '';
    warnings.push(
      `${plural(invalid.length, 'listed entry is', 'listed entries are')} not an IP address (${shown}${more}); shown as unreachable`,
    );
  }
  if (duplicates > 0) {
    warnings.push(
      `ignored ${plural(duplicates, 'duplicate entry', 'duplicate entries')}; each instance is read once`,
    );
  }
  return { ok: true, ips: [...seen], warnings };
}

/** A non-IP entry as a row shows it: short printable strings as they are, the rest as short JSON. */
function entryText(entry: unknown): string {
  if (
    typeof entry === 'string' &&
    entry.trim() !== '' &&
    entry.length <= MAX_ENTRY_TEXT &&
    !CONTROL.test(entry)
  ) {
    return entry;
  }
  return preview(entry);
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
