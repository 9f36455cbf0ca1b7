import { createServer, type Server } from 'node:http';
import type { Clock } from '../time/clock.ts';
import { bodyBytes, writeFlood, writeTrickle } from './body-writes.ts';
import type { Exchange } from './exchange.ts';

/** Idle keep-alive sockets are closed after this; long enough for a scan to reuse them. */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** Must exceed the keep-alive timeout, or Node may cut a socket that is about to be reused. */
const HEADERS_TIMEOUT_MS = 10_000;

/** A keep-alive HTTP/1.1 server (node:http) in front of the exchange: the fast, modern transport. */
export function createHttpTransport(exchange: Exchange, clock: Clock): Server {
  const server = createServer(
    {
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      headersTimeout: HEADERS_TIMEOUT_MS,
      // 0: an injected hang must really never answer; close() destroys such sockets.
      requestTimeout: 0,
      noDelay: true,
    },
    (req, res) => {
      exchange.serve(req.method ?? '', req.url ?? '', (outcome) => {
        if (outcome.kind === 'hang') return;
        if (outcome.kind === 'drop') {
          req.socket.destroy();
          return;
        }
        const { status, contentType, headers } = outcome.reply;
        const body = bodyBytes(outcome.reply.body);
        // A flood is chunked: the client learns its size only by reading it.
        const length = outcome.kind === 'flood' ? {} : { 'Content-Length': body.length };
        res.writeHead(status, { 'Content-Type': contentType, ...length, ...headers });
        switch (outcome.kind) {
          case 'answer':
            res.end(body);
            return;
          case 'cut':
            // Half the promised body, then a reset.
            res.write(body.subarray(0, Math.floor(body.length / 2)), () =>
              req.socket.resetAndDestroy(),
            );
            return;
          case 'trickle':
            writeTrickle(res, body, outcome.byteIntervalMs, clock);
            return;
          case 'flood':
            writeFlood(res, body, outcome.bytes);
            return;
        }
      });
    },
  );
  return server;
}
