// A load tool for providers that answer HTTP/1.0 and close: autocannon cannot measure them
// (its parser never sees the end of a body delimited by the connection closing, so it counts
// no responses at all), and wrk may not be installed. One request per connection, as fast as
// `concurrency` loops can go, for `seconds`.
import { connect } from 'node:net';

/** Completed 2xx responses per second. */
export async function closeDelimitedRate(
  host: string,
  port: number,
  path: string,
  concurrency: number,
  seconds: number,
): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  const request = Buffer.from(`GET ${path} HTTP/1.0\r\nHost: ${host}\r\n\r\n`);
  const once = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect({ host, port, noDelay: true });
      let head = '';
      socket.on('connect', () => socket.write(request));
      socket.on('data', (chunk) => {
        if (head.length < 16) head += chunk.toString('latin1');
      });
      socket.on('error', () => resolve(false));
      socket.on('close', () => resolve(/^HTTP\/1\.[01] 2/.test(head)));
    });
  const loop = async () => {
    while (performance.now() < until) if (await once()) done++;
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  return done / ((performance.now() - started) / 1000);
}
