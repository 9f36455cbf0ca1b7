import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';

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
