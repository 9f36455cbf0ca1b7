// A loopback time service with a clock the test controls: its clock reads ours plus `skewMs()`,
// so the true offset of every answer is known exactly. Used by the probe tests and by
// bench/probe-accuracy.ts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { systemClock, type Timer } from '../time/clock.ts';

/** How the server answers `GET /now` (every path answers the same). */
export interface TimeServerOptions {
  /** Our clock (epoch ms); the server's clock is this plus `skewMs()`. */
  readonly now: () => number;
  /** The server clock's offset from ours when it is read; may change between requests. */
  readonly skewMs: () => number;
  /** `body`: JSON with the time to the µs and a Date header; `date`: the Date header only. */
  readonly mode: 'body' | 'date';
  /** Delays around the clock reading: before it (the request's way in) and after (the answer's way out). */
  readonly latency?: () => { readonly beforeMs: number; readonly afterMs: number };
  /** Answer `Connection: close` (a server that never keeps a connection open). */
  readonly close?: boolean;
}

/** A listening time server. */
export interface TimeServer {
  readonly url: string;
  /** Requests answered so far. */
  readonly requests: () => number;
  /** The server clock's readings, in order: what each answer said, before truncation. */
  readonly readings: number[];
  /** The delays added to each answer, in the order of `readings`. */
  readonly delays: { readonly beforeMs: number; readonly afterMs: number }[];
  close(): Promise<void>;
}

/** Starts a time server on an ephemeral loopback port. */
export async function startTimeServer(options: TimeServerOptions): Promise<TimeServer> {
  let requests = 0;
  const readings: number[] = [];
  const delays: { beforeMs: number; afterMs: number }[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<Timer>();
  const later = (ms: number, fn: () => void) => {
    if (ms <= 0) return fn();
    // Real time: the trials measure a clock reading against the real clock.
    const timer = systemClock.setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  const server: Server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    const { beforeMs, afterMs } = options.latency?.() ?? { beforeMs: 0, afterMs: 0 };
    req.resume();
    later(beforeMs, () => {
      const serverNow = options.now() + options.skewMs();
      readings.push(serverNow);
      delays.push({ beforeMs, afterMs });
      requests++;
      const body =
        options.mode === 'body'
          ? JSON.stringify({ iso: new Date(serverNow).toISOString(), epochMs: serverNow })
          : '';
      later(afterMs, () => {
        res.writeHead(200, {
          Date: new Date(Math.floor(serverNow)).toUTCString(),
          'Content-Type': options.mode === 'body' ? 'application/json' : 'text/plain',
          'Content-Length': Buffer.byteLength(body),
          ...(options.close === true ? { Connection: 'close' } : {}),
        });
        res.end(body);
      });
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/now`,
    requests: () => requests,
    readings,
    delays,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) systemClock.clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
