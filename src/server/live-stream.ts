import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { type Clock, every } from '../time/clock.ts';
import { errorBody } from './errors.ts';
import { type FleetView, scanEventOf } from './fleet-view.ts';
import type { LiveEvent, LiveState } from './live-state.ts';

/** The event text of a view, made once however many dashboards listen. */
const scanData = new WeakMap<FleetView, string>();

function dataOf(view: FleetView): string {
  let data = scanData.get(view);
  if (data === undefined) {
    data = JSON.stringify(scanEventOf(view));
    scanData.set(view, data);
  }
  return data;
}

/** A comment line keeps idle proxies and browsers from timing the stream out. */
const PING_MS = 15_000;
const RETRY_MS = 3_000;
/**
 * Writes a client may leave unread before its stream is ended: each waits in memory until the
 * client reads. Ended, a live client reconnects after `retry` and gets the latest scan at once.
 */
const MAX_UNREAD_WRITES = 16;

/** Live streams open at once when `serve` is not told otherwise (`--max-streams`). */
export const DEFAULT_MAX_STREAMS = 100;

/**
 * Server-Sent Events: a `scan` event (services, health, counts; no instance rows) now
 * and after every scan, `scan-error` when one fails. A stream ends, releasing its subscriber
 * and ping timer, when the client goes (closed, reset or aborted), stops reading, or `closing`
 * aborts. A HEAD gets the stream's headers and nothing else. Past `maxStreams` open at once,
 * new streams are answered 503.
 */
export function liveStreams(
  state: LiveState,
  closing: AbortSignal,
  maxStreams: number,
  clock: Clock,
): (c: Context) => Response {
  let open = 0;
  return (c) => {
    c.header('X-Accel-Buffering', 'no');
    if (c.req.method === 'HEAD') {
      // hono answers HEAD with the GET handler's headers and drops the body unread, so a
      // stream started here would never learn that nobody listens.
      c.header('Content-Type', 'text/event-stream');
      c.header('Cache-Control', 'no-cache');
      return c.body(null, 200);
    }
    if (open >= maxStreams) {
      c.header('Retry-After', '10');
      return c.json(
        errorBody(
          503,
          `the most live streams this server allows are open (--max-streams ${maxStreams}); retry later`,
        ),
        503,
      );
    }
    open++;
    return liveStream(c, state, closing, clock, () => open--);
  };
}

function liveStream(
  c: Context,
  state: LiveState,
  closing: AbortSignal,
  clock: Clock,
  onEnd: () => void,
): Response {
  const gone = c.req.raw.signal;
  return streamSSE(c, async (stream) => {
    let finish = (): void => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let unread = 0;
    const write = (written: () => Promise<unknown>): void => {
      if (unread >= MAX_UNREAD_WRITES) {
        // The client stopped reading: drop what waits for it rather than queue without end.
        stream.abort();
        return;
      }
      unread++;
      written()
        .catch(finish)
        .finally(() => unread--);
    };
    const send = (event: LiveEvent): void => {
      const message =
        event.type === 'scan'
          ? {
              event: 'scan',
              id: String(event.view.seq),
              data: dataOf(event.view),
            }
          : { event: 'scan-error', data: JSON.stringify(event.failure) };
      write(() => stream.writeSSE(message));
    };
    const unsubscribe = state.subscribe(send);
    const stopPing = every(clock, PING_MS, () => write(() => stream.write(': ping\n\n')));
    stream.onAbort(finish);
    closing.addEventListener('abort', finish, { once: true });
    gone.addEventListener('abort', finish, { once: true });
    try {
      if (closing.aborted || gone.aborted) finish();
      write(() => stream.write(`retry: ${RETRY_MS}\n\n`));
      const latest = state.latest;
      if (latest !== undefined) send({ type: 'scan', view: latest });
      else if (state.lastFailure !== undefined)
        send({ type: 'scan-error', failure: state.lastFailure });
      await finished;
    } finally {
      stopPing();
      unsubscribe();
      closing.removeEventListener('abort', finish);
      gone.removeEventListener('abort', finish);
      onEnd();
    }
  });
}
