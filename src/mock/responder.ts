import type { Fleet } from './fleet.ts';

/** One HTTP answer, independent of the transport that writes it. */
export interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer | string;
}

/** The CPX protocol (DESIGN §1) as a function of method, path and time; transports only write the result. */
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

/** The path without a query string or fragment, which the protocol does not use. */
export function pathOf(target: string): string {
  const cut = target.search(/[?#]/);
  return cut === -1 ? target : target.slice(0, cut);
}

/** Builds the responder for `fleet`; the `/servers` body is serialised once, here, not per request. */
export function createResponder(fleet: Fleet): Responder {
  const servers: Reply = {
    status: 200,
    contentType: JSON_TYPE,
    body: Buffer.from(JSON.stringify(fleet.ips)),
  };
  return (method, target, nowMs) => {
    if (method !== 'GET') return INVALID_IP;
    const path = pathOf(target);
    if (path === '/servers') return servers;
    const stats = fleet.statsAt(path.slice(1), nowMs);
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
