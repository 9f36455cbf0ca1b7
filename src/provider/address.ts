import { isIPv4, isIPv6 } from 'node:net';
import { FleetmonError } from '../core/errors.ts';
import { escapeUnprintable } from '../core/printable.ts';

/** The accepted forms, for messages. */
export const API_ADDRESS_FORMS = 'http[s]://host[:port][/path], host:port, host or [ipv6]:port';
const ALLOWED = `expected ${API_ADDRESS_FORMS}`;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const HOSTNAME =
  /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;
const DOTTED_NUMBERS = /^[\d.]+$/;

/** What is wrong with an address, thrown inside this module and turned into a message at its edge. */
class AddressProblem extends Error {}

function invalid(problem: string): never {
  throw new AddressProblem(problem);
}

/**
 * Parses the `--api` value into the provider's base URL (path always ending in `/`),
 * or throws a `usage` FleetmonError saying what is wrong.
 */
export function parseApiAddress(value: string): URL {
  try {
    return parseAddress(value.trim());
  } catch (err) {
    if (!(err instanceof AddressProblem)) throw err;
    // The value is echoed back: control characters must not reach the terminal or split the line.
    throw new FleetmonError(
      'usage',
      escapeUnprintable(`provider address "${value.trim()}" ${err.message}; ${ALLOWED}`),
    );
  }
}

/** What is wrong with a provider address, or `undefined` when it is valid (for config/ to say where it came from). */
export function apiAddressProblem(value: string): string | undefined {
  try {
    parseAddress(value.trim());
    return undefined;
  } catch (err) {
    if (err instanceof AddressProblem) return err.message;
    throw err;
  }
}

function parseAddress(text: string): URL {
  if (text === '') invalid('is empty');
  if (/\s/.test(text)) invalid('contains spaces');
  let scheme = 'http';
  let rest = text;
  const match = SCHEME.exec(text);
  if (match !== null) {
    scheme = (match[1] ?? '').toLowerCase();
    if (scheme !== 'http' && scheme !== 'https') {
      invalid(`uses the unsupported scheme "${match[1]}://"`);
    }
    rest = text.slice(match[0].length);
  }
  const cut = rest.search(/[/?#]/);
  const authority = cut < 0 ? rest : rest.slice(0, cut);
  const path = cut < 0 ? '' : rest.slice(cut);
  if (/[?#]/.test(path)) invalid('has a query or fragment');
  if (authority.includes('@')) invalid('contains credentials (user@), which are not supported');
  const { host, port } = splitAuthority(authority);
  const base = path.endsWith('/') ? path : `${path}/`;
  try {
    return new URL(`${scheme}://${host}${port === null ? '' : `:${port}`}${base}`);
  } catch {
    return invalid('is not a valid URL');
  }
}

function splitAuthority(authority: string): { host: string; port: number | null } {
  if (authority === '') invalid('has no host');
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    const inner = authority.slice(1, close);
    if (close < 0 || !isIPv6(inner)) invalid(`has an invalid IPv6 address "${authority}"`);
    const after = authority.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) invalid('has text after the IPv6 address');
    return { host: `[${inner}]`, port: after === '' ? null : parsePort(after.slice(1)) };
  }
  const colons = authority.split(':').length - 1;
  if (colons > 1)
    invalid(`is ambiguous: put IPv6 addresses in brackets, ${bracketHint(authority)}`);
  const [host = '', portText] = authority.split(':');
  if (host === '') invalid('has no host');
  if (DOTTED_NUMBERS.test(host) ? !isIPv4(host) : !HOSTNAME.test(host)) {
    invalid(`has an invalid host "${host}"`);
  }
  return { host, port: portText === undefined ? null : parsePort(portText) };
}

function parsePort(portText: string): number {
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) {
    invalid(`has an invalid port "${portText}" (allowed: 1-65535)`);
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
