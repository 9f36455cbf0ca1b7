/** Where history is kept: in memory only, an SQLite file, or a PostgreSQL database. */
export type StoreLocation =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly path: string }
  | {
      readonly kind: 'postgres';
      /** The connection URL as given, password included: hand it to the driver only. */
      readonly url: string;
      /** The URL without its password, for messages and `store info`. */
      readonly display: string;
    };

/** The result of reading a `--store` value; the same shape as config's field parsers. */
export type LocationResult =
  | { ok: true; value: StoreLocation }
  | { ok: false; allowed: string; problem?: string };

const ALLOWED = 'a file path, memory, or a postgres://user@host:5432/database URL';
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * Reads `--store` (or `FLEETMON_STORE`, `DATABASE_URL`, `store:`): `memory`, a
 * `postgres://` or `postgresql://` URL, or anything else as a file path. Never echoes a password.
 */
export function parseStoreLocation(text: string): LocationResult {
  const value = text.trim();
  if (value === '') return { ok: false, allowed: ALLOWED };
  if (value.toLowerCase() === 'memory') return { ok: true, value: { kind: 'memory' } };
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return { ok: true, value: { kind: 'sqlite', path: value } };
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    return { ok: false, problem: `has an unsupported scheme (${scheme}://)`, allowed: ALLOWED };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, problem: 'is not a valid URL', allowed: ALLOWED };
  }
  if (url.pathname.replace(/^\//, '') === '' && !url.searchParams.has('dbname')) {
    return { ok: false, problem: 'names no database', allowed: ALLOWED };
  }
  return { ok: true, value: { kind: 'postgres', url: value, display: redactUrl(url) } };
}

/** A connection URL without its password (in the user part or a `password=` parameter). */
export function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.password = '';
  for (const key of [...copy.searchParams.keys()]) {
    if (/pass/i.test(key)) copy.searchParams.delete(key);
  }
  return copy.href;
}

/** One line naming a location for people: `sqlite /var/lib/fleetmon/history.db`. */
export function describeLocation(location: StoreLocation): string {
  switch (location.kind) {
    case 'memory':
      return 'memory';
    case 'sqlite':
      return `sqlite ${location.path}`;
    case 'postgres':
      return `postgres ${location.display}`;
  }
}
