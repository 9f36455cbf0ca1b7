import { isIPv4, isIPv6 } from 'node:net';
import { FleetmonError } from '../core/errors.ts';
import { escapeUnprintable } from '../core/printable.ts';

const ALLOWED = 'expected http[s]://host[:port][/path], host:port, host or [ipv6]:port';
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const HOSTNAME =
  /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;
const DOTTED_NUMBERS = /^[\d.]+$/;

function invalid(value: string, problem: string): never {
  // The value is echoed back: control characters must not reach the terminal or split the line.
  throw new FleetmonError(
    'usage',
    escapeUnprintable(`provider address "${value}" ${problem}; ${ALLOWED}`),
  );
}

/**
 * Parses the `--api` value into the provider's base URL (path always ending in `/`),
 * or throws a `usage` FleetmonError saying what is wrong.
 */
export function parseApiAddress(value: string): URL {
  const text = value.trim();
  if (text === '') invalid(value, 'is empty');
  if (/\s/.test(text)) invalid(text, 'contains spaces');
  let scheme = 'http';
  let rest = text;
  const match = SCHEME.exec(text);
  if (match !== null) {
    scheme = (match[1] ?? '').toLowerCase();
    if (scheme !== 'http' && scheme !== 'https') {
      invalid(text, `uses the unsupported scheme "${match[1]}://"`);
    }
    rest = text.slice(match[0].length);
  }
  const cut = rest.search(/[/?#]/);
  const authority = cut < 0 ? rest : rest.slice(0, cut);
  const path = cut < 0 ? '' : rest.slice(cut);
  if (/[?#]/.test(path)) invalid(text, 'has a query or fragment');
  if (authority.includes('@'))
    invalid(text, 'contains credentials (user@), which are not supported');
  const { host, port } = splitAuthority(text, authority);
  const base = path.endsWith('/') ? path : `${path}/`;
  try {
    return new URL(`${scheme}://${host}${port === null ? '' : `:${port}`}${base}`);
  } catch {
    return invalid(text, 'is not a valid URL');
  }
}

function splitAuthority(text: string, authority: string): { host: string; port: number | null } {
  if (authority === '') invalid(text, 'has no host');
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    const inner = authority.slice(1, close);
    if (close < 0 || !isIPv6(inner)) invalid(text, `has an invalid IPv6 address "${authority}"`);
    const after = authority.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) invalid(text, 'has text after the IPv6 address');
    return { host: `[${inner}]`, port: after === '' ? null : parsePort(text, after.slice(1)) };
  }
  const colons = authority.split(':').length - 1;
  if (colons > 1)
    invalid(text, `is ambiguous: put IPv6 addresses in brackets, ${bracketHint(authority)}`);
  const [host = '', portText] = authority.split(':');
  if (host === '') invalid(text, 'has no host');
  if (DOTTED_NUMBERS.test(host) ? !isIPv4(host) : !HOSTNAME.test(host)) {
    invalid(text, `has an invalid host "${host}"`);
  }
  return { host, port: portText === undefined ? null : parsePort(text, portText) };
}

function parsePort(text: string, portText: string): number {
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) {
    invalid(text, `has an invalid port "${portText}" (allowed: 1-65535)`);
  }
  return port;
}

/** For `::1:9001` both readings are valid IPv6, so offer each bracketed form. */
function bracketHint(authority: string): string {
  const last = authority.lastIndexOf(':');
  const address = authority.slice(0, last);
  const port = authority.slice(last + 1);
  const whole = `"[${authority}]" for the address alone`;
  if (isIPv6(address) && /^\d{1,5}$/.test(port)) {
    return `e.g. "[${address}]:${port}" for port ${port} or ${whole}`;
  }
  return `e.g. ${whole}`;
}

/** The base URL as users wrote it: no trailing slash when there is no base path. */
export function displayUrl(url: URL): string {
  return url.pathname === '/' ? url.origin : url.href;
}
