// `/now` of the simulated provider: a time service with a clock set off by --clock-skew, so a
// user can watch `fleetmon check --clock` catch a skewed clock on their own machine.
import { pathOf, type Reply, type Responder } from './responder.ts';

/** How `/now` answers. */
export interface NowOptions {
  /** This machine's clock, epoch ms (finer than a millisecond when it can be). */
  readonly clock: () => number;
  /** Added to `clock`: the time service's offset from this machine. */
  readonly skewMs: number;
  /** Answer 204 with only a `Date` header (one-second resolution), no time in the body. */
  readonly dateOnly: boolean;
}

/** Answers `/now` itself and hands every other path to the CPX `respond`. */
export function withNow(respond: Responder, options: NowOptions): Responder {
  return (method, target, nowMs) =>
    pathOf(target) === '/now' ? nowReply(method, options) : respond(method, target, nowMs);
}

/** `{"iso": "…Z", "epochMs": 1767225600123.456}` and a `Date` header, both from the skewed clock. */
export function nowReply(method: string, options: NowOptions): Reply {
  if (method !== 'GET' && method !== 'HEAD') {
    return {
      status: 405,
      contentType: 'application/json',
      body: '{"error": "Method Not Allowed"}',
      headers: { Allow: 'GET, HEAD' },
    };
  }
  const now = options.clock() + options.skewMs;
  const headers = {
    // Set here, from the skewed clock: a server's own Date would tell the unskewed time.
    Date: new Date(Math.floor(now)).toUTCString(),
    'Cache-Control': 'no-store',
  };
  if (options.dateOnly) return { status: 204, contentType: 'text/plain', body: '', headers };
  return {
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({
      iso: new Date(Math.floor(now)).toISOString(),
      epochMs: Math.round(now * 1000) / 1000,
    }),
    headers,
  };
}
