import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { FleetmonError } from '../core/errors.ts';

/** Where `serve` listens, parsed from `--listen`. */
export interface ListenAddress {
  /** Host to bind, without brackets. */
  readonly host: string;
  /** 0 picks a free port (printed once listening). */
  readonly port: number;
  /** True when only this machine can connect (see {@link isLoopback}). */
  readonly loopback: boolean;
}

const ALLOWED = 'host:port, [ipv6]:port, :port (all interfaces) or a port alone (loopback)';

/** Parses `--listen`, throwing a usage error that says what is wrong. */
export function parseListenAddress(text: string): ListenAddress {
  const result = listenAddress(text);
  if (result.ok) return result.value;
  throw new FleetmonError(
    'usage',
    `--listen: "${text}" ${result.problem}; expected ${result.allowed}`,
  );
}

/** Reads `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`, `:8080` (all interfaces) or `8080` (loopback). */
export function listenAddress(
  text: string,
): { ok: true; value: ListenAddress } | { ok: false; allowed: string; problem: string } {
  try {
    return { ok: true, value: readListenAddress(text) };
  } catch (err) {
    if (err instanceof ListenProblem) return { ok: false, allowed: ALLOWED, problem: err.message };
    throw err;
  }
}

class ListenProblem extends Error {}

function readListenAddress(text: string): ListenAddress {
  const value = text.trim();
  const fail = (problem: string): never => {
    throw new ListenProblem(problem);
  };
  let host: string;
  let portText: string;
  if (/^\d+$/.test(value)) {
    host = '127.0.0.1';
    portText = value;
  } else if (value.startsWith('[')) {
    const close = value.indexOf(']');
    host = value.slice(1, close);
    if (close < 0 || !isIPv6(host)) fail('has an invalid IPv6 address');
    if (value[close + 1] !== ':') fail('has no port');
    portText = value.slice(close + 2);
  } else {
    const colon = value.lastIndexOf(':');
    if (colon < 0) fail('has no port');
    host = value.slice(0, colon);
    portText = value.slice(colon + 1);
    if (host.includes(':')) fail('is ambiguous: put IPv6 addresses in brackets');
    if (host === '') host = '0.0.0.0';
    else if (!isIPv4(host) && !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host)) {
      fail('has an invalid host');
    }
  }
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) fail('has an invalid port (0 to 65535)');
  return { host, port, loopback: isLoopback(host) };
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * True for names and addresses only this machine can reach: `localhost` and its subdomains
 * (RFC 6761; browsers resolve them to loopback themselves), 127.0.0.0/8 and ::1 in any
 * spelling, IPv4-mapped included. IPv6 may come with or without brackets.
 */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIPv4(h)) return LOOPBACK.check(h, 'ipv4');
  return isIPv6(h) && LOOPBACK.check(h, 'ipv6');
}

/** How a browser on this machine reaches the address: wildcards become loopback, IPv6 gets brackets. */
export function urlOf(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host;
  return `http://${shown.includes(':') && !shown.startsWith('[') ? `[${shown}]` : shown}:${port}/`;
}
