import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import { FleetmonError } from '../core/errors.ts';
import type { Clock } from '../time/clock.ts';
import { type ListenAddress, urlOf } from './listen-address.ts';

/** A listening HTTP server. */
export interface HttpListener {
  /** What a browser on this machine opens, e.g. `http://127.0.0.1:8080/`. */
  readonly url: string;
  readonly port: number;
  /**
   * Stops accepting, lets requests in flight finish for up to `graceMs`, then cuts what is
   * left (live streams should have been ended by then). Resolves once the server is closed.
   */
  close(graceMs: number): Promise<void>;
}

/** Connections open at once when `serve` is not told otherwise (`--max-connections`). */
export const DEFAULT_MAX_CONNECTIONS = 500;
/** The connection limit is logged at most this often while it refuses connections. */
const DROP_LOG_MS = 60_000;

/**
 * Listens on `address`; a port in use or a host that cannot be bound is a usage error (exit 2).
 * Past `maxConnections` open at once, new connections are closed as soon as they are accepted,
 * without an answer (what `net.Server.maxConnections` does), and `log` hears of it once a minute.
 */
export async function listenHttp(
  app: Hono,
  address: ListenAddress,
  limits: {
    readonly maxConnections: number;
    readonly log: (line: string) => void;
    /** Rate-limits the warning, and bounds the grace at close. */
    readonly clock: Clock;
  },
): Promise<HttpListener> {
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  server.maxConnections = limits.maxConnections;
  let droppedLogAt = Number.NEGATIVE_INFINITY;
  server.on('drop', () => {
    const now = limits.clock.now();
    if (now - droppedLogAt < DROP_LOG_MS) return;
    droppedLogAt = now;
    limits.log(
      `warning: connection limit reached: ${limits.maxConnections} open (--max-connections); new connections are closed unanswered`,
    );
  });
  // Slow-loris bounds: a client gets 10 s to send its headers, 30 s for the whole request.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  // A connection that neither sends nor takes a byte for this long is closed: a client that
  // stops reading an answer would otherwise hold it (and what waits to be written) for ever.
  // Live streams write a ping every 15 s, so only a stalled one is cut.
  server.timeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const shown = address.host.includes(':') ? `[${address.host}]` : address.host;
      const why =
        err.code === 'EADDRINUSE'
          ? 'the address is already in use'
          : err.code === 'EACCES'
            ? 'permission denied'
            : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
              ? 'no such address on this machine'
              : (err.code ?? err.message);
      reject(
        new FleetmonError(
          'usage',
          `cannot listen on ${shown}:${address.port}: ${why}`,
          'choose another --listen address or port',
        ),
      );
    };
    server.once('error', onError);
    server.listen({ host: address.host, port: address.port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : address.port;
  let closing: Promise<void> | undefined;
  return {
    url: urlOf(address.host, port),
    port,
    close(graceMs) {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        const { clock } = limits;
        const force = clock.setTimeout(() => server.closeAllConnections(), graceMs).unref();
        server.once('close', () => clock.clearTimeout(force));
      });
      return closing;
    },
  };
}
