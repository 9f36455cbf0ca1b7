import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
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
 * Server-Sent Events: a `scan` event (services, health, counts; no instance rows) now
 * and after every scan, `scan-error` when one fails. Ends when the client goes or `closing` aborts.
 */
export function liveStream(c: Context, state: LiveState, closing: AbortSignal): Response {
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (stream) => {
    let finish = (): void => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const send = (event: LiveEvent): void => {
      const message =
        event.type === 'scan'
          ? {
              event: 'scan',
              id: String(event.view.seq),
              data: dataOf(event.view),
            }
          : { event: 'scan-error', data: JSON.stringify(event.failure) };
      stream.writeSSE(message).catch(finish);
    };
    const unsubscribe = state.subscribe(send);
    const ping = setInterval(() => stream.write(': ping\n\n').catch(finish), PING_MS);
    stream.onAbort(finish);
    closing.addEventListener('abort', finish, { once: true });
    try {
      await stream.write(`retry: ${RETRY_MS}\n\n`);
      const latest = state.latest;
      if (latest !== undefined) send({ type: 'scan', view: latest });
      else if (state.lastFailure !== undefined)
        send({ type: 'scan-error', failure: state.lastFailure });
      if (closing.aborted) finish();
      await finished;
    } finally {
      clearInterval(ping);
      unsubscribe();
      closing.removeEventListener('abort', finish);
    }
  });
}
