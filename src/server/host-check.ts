import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import { escapeUnprintable } from '../core/printable.ts';
import { errorBody } from './errors.ts';
import { isLoopback } from './listen-address.ts';

/**
 * Which `Host` headers the server answers: the defence against DNS rebinding, where a web page
 * points a name of its own at the server's address and reads the answers as its own origin.
 * Loopback names and addresses are always answered. A page's name cannot be an IP address, so
 * a listener other machines reach (`anyAddress`) answers every IP address too.
 */
export interface HostPolicy {
  readonly anyAddress: boolean;
  /** More names to answer: `name`, `*.domain` (its subdomains) or `*` (any Host at all). */
  readonly allowed: readonly string[];
}

const NAME = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/**
 * Checks one `--allow-host` value (a name, `*.domain`, `*`, or an IP address) and returns it
 * lower-cased, or undefined when it is none of these.
 */
export function allowedHostName(text: string): string | undefined {
  const value = text.trim().toLowerCase();
  if (value === '*' || isIP(value.replace(/^\[(.*)\]$/, '$1')) !== 0) return value;
  const name = value.replace(/\.$/, '');
  return NAME.test(name) && name.length <= 253 ? name : undefined;
}

/** The host name of a `Host` header, normalised as a browser would (case, IPv4 forms, IPv6 brackets). */
function hostnameOf(header: string): string | undefined {
  if (!/^[A-Za-z0-9.\-:[\]]+$/.test(header)) return undefined;
  try {
    return new URL(`http://${header}`).hostname.replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

/** Whether a request whose `Host` header is `header` is answered under `policy`. */
export function hostAllowed(header: string, policy: HostPolicy): boolean {
  const host = hostnameOf(header);
  if (host === undefined) return false;
  if (isLoopback(host)) return true;
  if (policy.anyAddress && isIP(host.replace(/^\[(.*)\]$/, '$1')) !== 0) return true;
  for (const name of policy.allowed) {
    if (name === '*' || name === host || name === host.replace(/^\[(.*)\]$/, '$1')) return true;
    if (name.startsWith('*.') && host.endsWith(name.slice(1))) return true;
  }
  return false;
}

/** Answers requests for a `Host` the policy does not allow with 421 and a one-line JSON error. */
export function hostCheck(policy: HostPolicy): MiddlewareHandler {
  if (policy.allowed.includes('*')) return async (_c, next) => next();
  const served = policy.anyAddress
    ? 'IP addresses, loopback names, and names given with --allow-host'
    : 'loopback names and addresses, and names given with --allow-host';
  return async (c, next) => {
    // The URL's host is the Host header's, or the request target's when that is a whole URL
    // (RFC 9112 §3.2.2); both must be allowed. app.request() in tests sends no Host header.
    const target = new URL(c.req.url).host;
    const header = c.req.header('host') ?? target;
    const refused = [header, target].find((host) => !hostAllowed(host, policy));
    if (refused === undefined) return next();
    const shown = escapeUnprintable(refused.length > 100 ? `${refused.slice(0, 100)}…` : refused);
    const name = hostnameOf(refused);
    const hint = name === undefined ? '' : `; to serve it, add --allow-host ${name}`;
    return c.json(
      errorBody(421, `Host "${shown}" is not served here (it answers ${served})${hint}`),
      421,
    );
  };
}
