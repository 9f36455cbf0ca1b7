import { NON_IP_ENTRIES, type ServersFault } from './faults.ts';
import type { Fleet } from './fleet.ts';
import type { Roster } from './roster.ts';

/** One HTTP answer, independent of the transport that writes it. */
export interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer | string;
  /** Extra response headers, e.g. `Retry-After`. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The CPX protocol (docs/architecture.md §1) as a function of method, path and time; transports only write the result. */
export type Responder = (method: string, path: string, nowMs: number) => Reply;

const JSON_TYPE = 'application/json';

/** The original server answers every unknown path or ip, and every other method, with this. */
export const INVALID_IP: Reply = {
  status: 400,
  contentType: JSON_TYPE,
  body: Buffer.from('{"error": "Invalid IP"}'),
};

/** What an injected 5xx fault answers. */
export const INTERNAL_ERROR: Reply = {
  status: 500,
  contentType: JSON_TYPE,
  body: Buffer.from('{"error": "Internal Server Error"}'),
};

/** What an injected 429 fault answers: come back in `seconds`. */
export function tooManyRequests(seconds: number): Reply {
  return {
    status: 429,
    contentType: JSON_TYPE,
    body: '{"error": "Too Many Requests"}',
    headers: { 'Retry-After': String(seconds) },
  };
}

const BAD_GATEWAY_PAGE =
  '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>\n';

/** What a broken `/servers` answers instead of the list (`hang` and `flood` are the transport's business). */
export function serversFaultReply(
  fault: Exclude<ServersFault, 'hang' | 'flood'>,
  ips: readonly string[],
): Reply {
  switch (fault) {
    case 'error':
      return INTERNAL_ERROR;
    case 'html':
      return { status: 200, contentType: 'text/html', body: BAD_GATEWAY_PAGE };
    case 'garbage':
      return { status: 200, contentType: JSON_TYPE, body: JSON.stringify(ips).slice(0, 20) };
    case 'not-array':
      return { status: 200, contentType: JSON_TYPE, body: JSON.stringify({ servers: ips }) };
    case 'duplicates':
      return { status: 200, contentType: JSON_TYPE, body: JSON.stringify([...ips, ...ips]) };
    case 'non-ip':
      return {
        status: 200,
        contentType: JSON_TYPE,
        body: JSON.stringify([...ips, ...NON_IP_ENTRIES]),
      };
  }
}

/** The path without a query string or fragment, which the protocol does not use. */
export function pathOf(target: string): string {
  const cut = target.search(/[?#]/);
  return cut === -1 ? target : target.slice(0, cut);
}

/** Builds the responder for `fleet`; the `/servers` body is serialised once per roster change, not per request. */
export function createResponder(fleet: Fleet, roster: Roster): Responder {
  let listed: readonly string[] | undefined;
  let servers: Reply | undefined;
  return (method, target, nowMs) => {
    if (method !== 'GET') return INVALID_IP;
    const path = pathOf(target);
    if (path === '/servers') {
      const now = roster.listedAt(nowMs);
      if (servers === undefined || now !== listed) {
        listed = now;
        servers = { status: 200, contentType: JSON_TYPE, body: Buffer.from(JSON.stringify(now)) };
      }
      return servers;
    }
    const ip = path.slice(1);
    // An instance churned out of the listing is gone, like on a real provider.
    const stats = roster.has(ip, nowMs) ? fleet.statsAt(ip, nowMs) : undefined;
    if (!stats) return INVALID_IP;
    return {
      status: 200,
      contentType: JSON_TYPE,
      // Strings with a percent sign, exactly like the original provider.
      body: JSON.stringify({
        cpu: `${stats.cpu}%`,
        memory: `${stats.memory}%`,
        service: stats.service,
      }),
    };
  };
}
