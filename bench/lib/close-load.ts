// A load tool for providers that answer HTTP/1.0 and close: autocannon cannot measure them
// (its parser never sees the end of a body delimited by the connection closing, so it counts
// no responses at all), and wrk may not be installed. One request per connection, no parsing
// beyond the status line, no pacing.
import { connect } from 'node:net';

/** How one request ended, and the answer as far as it was read. */
interface Answer {
  readonly outcome: 'ok' | 'failed' | 'unanswered connect';
  readonly text: string;
}

/**
 * One request on a connection of its own; the answer is read up to its status line, or whole
 * with `whole`. With `connectMs`, a connect not accepted within that time is dropped: a listen
 * queue that overflows drops SYNs, which the kernel sends again only after a second.
 */
function once(
  host: string,
  port: number,
  path: string,
  connectMs?: number,
  whole = false,
): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, noDelay: true });
    const timer =
      connectMs === undefined
        ? undefined
        : setTimeout(() => {
            socket.destroy();
            resolve({ outcome: 'unanswered connect', text: '' });
          }, connectMs);
    let text = '';
    socket.on('connect', () => {
      clearTimeout(timer);
      socket.write(`GET ${path} HTTP/1.0\r\nHost: ${host}\r\n\r\n`);
    });
    socket.on('data', (chunk) => {
      if (whole || text.length < 16) text += chunk.toString('latin1');
    });
    socket.on('error', () => resolve({ outcome: 'failed', text }));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ outcome: /^HTTP\/1\.[01] 2/.test(text) ? 'ok' : 'failed', text });
    });
  });
}

/** The body of a 2xx answer to `path`. */
export async function closeDelimitedBody(
  host: string,
  port: number,
  path: string,
): Promise<string> {
  const { outcome, text } = await once(host, port, path, undefined, true);
  if (outcome !== 'ok') throw new Error(`no 2xx answer for ${path}: ${text.slice(0, 80)}`);
  return text.slice(text.indexOf('\r\n\r\n') + 4);
}

/** Completed 2xx responses per second, `concurrency` loops asking for `path` for `seconds`. */
export async function closeDelimitedRate(
  host: string,
  port: number,
  path: string,
  concurrency: number,
  seconds: number,
): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  const loop = async () => {
    while (performance.now() < until) if ((await once(host, port, path)).outcome === 'ok') done++;
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  return done / ((performance.now() - started) / 1000);
}

/**
 * Wall time for one 2xx answer from each of `paths`, `concurrency` at a time, as a scan reads a
 * fleet: what the server gives the least a client can do at that concurrency. A connect not
 * accepted within `connectMs` is made again at once; `reconnects` counts them. A request that
 * fails is sent again, up to 3 times.
 */
export async function closeDelimitedBatch(
  host: string,
  port: number,
  paths: readonly string[],
  concurrency: number,
  connectMs = 10,
): Promise<{ ms: number; reconnects: number }> {
  let next = 0;
  let reconnects = 0;
  const loop = async () => {
    for (let path = paths[next++]; path !== undefined; path = paths[next++]) {
      for (let failures = 0; ; ) {
        const { outcome } = await once(host, port, path, connectMs);
        if (outcome === 'ok') break;
        if (outcome === 'failed' && ++failures > 3) throw new Error(`no 2xx answer for ${path}`);
        if (outcome === 'unanswered connect') reconnects++;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { ms: performance.now() - started, reconnects };
}
