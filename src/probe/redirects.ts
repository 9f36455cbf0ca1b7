import type { ExchangeAnswer, ExchangeFailed, ProbeConnections } from './http-exchange.ts';
import { displayUrl, type ProbeSpec } from './probe-spec.ts';

/** The end of a redirect chain: the last answer (or failure), its URL and the requests it took. */
export interface FollowedExchange {
  readonly outcome: ExchangeAnswer | ExchangeFailed;
  readonly url: URL;
  readonly method: string;
  readonly requests: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Sent to the origin they were meant for, never to the one a redirect points at. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * Sends the probe's request and follows redirects as browsers do (303, and 301/302 after a
 * POST, become GET), up to `spec.maxRedirects`; a loop, a bad `Location` or one redirect too
 * many is a `redirect` failure. Every request shares one deadline.
 */
export async function sendFollowing(
  connections: ProbeConnections,
  spec: ProbeSpec,
  deadline: number,
  signal?: AbortSignal,
): Promise<FollowedExchange> {
  let url = new URL(spec.url);
  let method = spec.method;
  let body = spec.body;
  let headers = spec.headers;
  const visited = [url.href];
  for (let requests = 1; ; requests++) {
    const outcome = await connections.send(
      {
        url,
        method,
        headers,
        body,
        maxBodyBytes: spec.maxBodyBytes,
        deadline,
        timeoutMs: spec.timeoutMs,
      },
      signal,
    );
    const done = { outcome, url, method, requests };
    if (outcome.kind === 'failed' || spec.maxRedirects === 0 || !REDIRECTS.has(outcome.status)) {
      return done;
    }
    const location = outcome.headers.location;
    if (location === undefined) return done;
    const failed = (reason: string): FollowedExchange => ({
      ...done,
      outcome: {
        kind: 'failed',
        failure: 'redirect',
        reason,
        status: outcome.status,
        endAt: outcome.endAt,
      },
    });
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return failed(`redirect ${outcome.status} to a Location that is not a URL`);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      return failed(`redirect ${outcome.status} to ${next.protocol} URL, not http or https`);
    }
    if (visited.includes(next.href)) {
      return failed(
        `redirect loop: ${displayUrl(next.href)} again after ${requests} redirect${requests === 1 ? '' : 's'}`,
      );
    }
    if (requests > spec.maxRedirects) {
      return failed(
        `more than ${spec.maxRedirects} redirects (the last to ${displayUrl(next.href)})`,
      );
    }
    visited.push(next.href);
    if (
      (outcome.status === 303 && method !== 'HEAD') ||
      ((outcome.status === 301 || outcome.status === 302) && method === 'POST')
    ) {
      method = 'GET';
      body = undefined;
    }
    if (next.origin !== url.origin) {
      headers = Object.fromEntries(
        Object.entries(headers).filter(([name]) => !CREDENTIAL_HEADERS.has(name.toLowerCase())),
      );
    }
    url = next;
  }
}
