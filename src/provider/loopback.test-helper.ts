import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { systemClock, type Timer } from '../time/clock.ts';

/** A throwaway server on an ephemeral loopback port, for client tests. */
export interface Loopback {
  readonly url: URL;
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: () => number;
  close(): Promise<void>;
}

async function listen(server: Server, sockets: Set<Socket>): Promise<Loopback> {
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: new URL(`http://127.0.0.1:${address.port}/`),
    port: address.port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP server answering with `handler`. */
export function serveHttp(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Loopback> {
  return listen(createServer(handler), new Set());
}

/** A raw TCP server, for answers node:http would not produce (HTTP/1.0, resets, trickles). */
export function serveRaw(onRequest: (socket: Socket, head: string) => void): Promise<Loopback> {
  const server = createNetServer((socket) => {
    let head = '';
    socket.on('data', (chunk) => {
      if (head.includes('\r\n\r\n')) return;
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) onRequest(socket, head);
    });
    socket.on('error', () => undefined);
  });
  return listen(server, new Set());
}

/**
 * A raw server that hands every request head to `answer` (kept-alive and pipelined requests
 * included), with its connection's number and its own number on that connection, from 1.
 * Writes go out at once (TCP_NODELAY), so a test decides how answers are split.
 */
export function serveHeads(
  answer: (socket: Socket, head: string, connection: number, nth: number) => void,
): Promise<Loopback> {
  let connections = 0;
  const server = createNetServer((socket) => {
    const connection = ++connections;
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    let buffered = '';
    let served = 0;
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        answer(socket, head, connection, ++served);
      }
    });
  });
  return listen(server, new Set());
}

/** How long {@link serveStalling} holds the body of a connection's first answer. */
const FIRST_BODY_MS = 2;

/** A server whose answers stall, from {@link serveStalling}. */
export interface StallingServer extends Loopback {
  /** Every request head, in order of arrival. */
  readonly heads: string[];
  /** Held bodies sent when the next request arrived, and when the hold ran out. */
  readonly released: { byRequest: number; byTimer: number };
}

/**
 * A keep-alive server whose answers stall as Nagle and a delayed ACK make them (Python's
 * `http.server` speaking HTTP/1.1): it writes each head apart from its body, and the body
 * waits until the client sends more (the next request's segment would carry the ACK) or the
 * hold passes: {@link FIRST_BODY_MS} for a connection's first answer (the client's kernel
 * acknowledges a new connection's first segments at once), `holdMs` after it (counted in
 * `released.byTimer`). An answer to `Connection: close` comes whole (its FIN pushes the body out).
 * `closeBehind`: end the connection once a request arriving behind a held body has released
 * it, leaving that request unanswered. `body` gives the answer to a path.
 */
export async function serveStalling(
  body: (path: string) => string,
  options: { holdMs: number; closeBehind?: boolean },
): Promise<StallingServer> {
  const heads: string[] = [];
  const released = { byRequest: 0, byTimer: 0 };
  const held = new Map<Socket, { timer: Timer; body: Buffer }>();
  const loopback = await serveHeads((socket, head, _connection, nth) => {
    heads.push(head);
    const waiting = held.get(socket);
    if (waiting !== undefined) {
      systemClock.clearTimeout(waiting.timer);
      held.delete(socket);
      released.byRequest++;
      socket.write(waiting.body);
      if (options.closeBehind === true) {
        socket.end();
        return;
      }
    }
    const close = /\r\nconnection: close/i.test(head);
    const text = Buffer.from(body(head.split(' ')[1] ?? '/'), 'utf8');
    const start = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${text.length}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
    if (close) {
      socket.end(Buffer.concat([Buffer.from(start, 'latin1'), text]));
      return;
    }
    socket.write(start, 'latin1');
    const first = nth === 1;
    // Real time, as the kernel's delayed ACK it imitates.
    const timer = systemClock.setTimeout(
      () => {
        held.delete(socket);
        if (!first) released.byTimer++;
        socket.write(text);
      },
      first ? FIRST_BODY_MS : options.holdMs,
    );
    held.set(socket, { timer, body: text });
  });
  return {
    ...loopback,
    heads,
    released,
    close: () => {
      for (const { timer } of held.values()) systemClock.clearTimeout(timer);
      return loopback.close();
    },
  };
}

/** A port that was free a moment ago and has nothing listening now. */
export async function closedPort(): Promise<number> {
  const server = await serveRaw(() => undefined);
  await server.close();
  return server.port;
}

/** JSON body of a healthy instance. */
export function statsJson(service = 'UserService', cpu = '61%', memory = '4%'): string {
  return JSON.stringify({ cpu, memory, service });
}
