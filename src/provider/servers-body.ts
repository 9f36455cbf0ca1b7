import { isIP } from 'node:net';

/** Result of validating a `GET /servers` body. */
export type ServerListResult =
  | { readonly ok: true; readonly ips: string[]; readonly warnings: string[] }
  | { readonly ok: false; readonly problem: string };

const SHOWN = 3;

/**
 * Validates the `/servers` body: a JSON array whose IP-literal strings are kept once each,
 * in order. Other entries become a warning; if there were entries but none was an IP, it fails.
 */
export function parseServerList(text: string): ServerListResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, problem: text.trim() === '' ? 'body is empty' : 'body is not JSON' };
  }
  if (!Array.isArray(body)) return { ok: false, problem: 'body is not a JSON array' };
  const seen = new Set<string>();
  const invalid: unknown[] = [];
  let duplicates = 0;
  for (const entry of body) {
    if (typeof entry !== 'string' || isIP(entry) === 0) invalid.push(entry);
    else if (seen.has(entry)) duplicates++;
    else seen.add(entry);
  }
  if (seen.size === 0 && invalid.length > 0) {
    return { ok: false, problem: `none of its ${invalid.length} entries is an IP address` };
  }
  const warnings: string[] = [];
  if (invalid.length > 0) {
    const shown = invalid.slice(0, SHOWN).map(preview).join(', ');
    const more = invalid.length > SHOWN ? ', ...' : '';
    warnings.push(
      `ignored ${plural(invalid.length, 'non-IP entry', 'non-IP entries')}: ${shown}${more}`,
    );
  }
  if (duplicates > 0) {
    warnings.push(
      `ignored ${plural(duplicates, 'duplicate IP', 'duplicate IPs')}; each instance is read once`,
    );
  }
  return { ok: true, ips: [...seen], warnings };
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
