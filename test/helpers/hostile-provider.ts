import { createServer, type Server, type Socket } from 'node:net';

// A CPX provider written to hurt its client: `/servers` answers a normal list, and every stats
// request gets the answer named by the attack. Raw TCP, so it can send what no HTTP library
// would. Used by the hostile-provider harness (test/e2e/hostile-provider.test.ts) and by
// bench/hostile.ts, which measures fleetmon's memory under the worst of them.

/** How stats requests are answered. */
export type Attack =
  /** An endless chunked body of 1-byte chunks, each with ~1 KB of chunk extension. */
  | 'chunk-bomb'
  /** An endless chunked body of 1-byte chunks without extensions. */
  | 'tiny-chunks'
  /** One chunk, then trailer fields without end. */
  | 'trailer-bomb'
  /** Header fields without end. */
  | 'header-bomb'
  /** `100 Continue` interim heads without end. */
  | 'interim-flood'
  /** A 1 MiB Content-Length body sent one byte per segment, as fast as the socket takes it. */
  | 'byte-segments'
  /** A body delimited by the close that never closes. */
  | 'endless-until-close'
  /** A gzip-encoded body (fleetmon asks for none). */
  | 'gzip-body'
  /** `Transfer-Encoding: gzip, chunked`: a coding fleetmon cannot read. */
  | 'gzip-transfer'
  /** Two different Content-Length values. */
  | 'conflicting-length'
  /** A body nested a million arrays deep. */
  | 'deep-json'
  /** Service names carrying terminal escapes, bidi overrides and zero-width characters. */
  | 'spoofed-service'
  /** Nothing at all, until the client gives up. */
  | 'silence';

/** Every attack, in the order the harness runs them. */
export const ATTACKS: readonly Attack[] = [
  'chunk-bomb',
  'tiny-chunks',
  'trailer-bomb',
  'header-bomb',
  'interim-flood',
  'byte-segments',
  'endless-until-close',
  'gzip-body',
  'gzip-transfer',
  'conflicting-length',
  'deep-json',
  'spoofed-service',
  'silence',
];

/** A listening hostile provider. */
export interface HostileProvider {
  /** `127.0.0.1:PORT`, as `--api` takes it. */
  readonly api: string;
  readonly port: number;
  /** Stats requests received so far. */
  readonly requests: () => number;
  close(): Promise<void>;
}

/** Service names that would reorder, hide or recolour text if printed raw (see `spoofed-service`). */
export const SPOOFED_SERVICES = [
  'User\u202eecivreS', // right-to-left override
  'Pay\u200bment\u2066Service\u2069', // zero-width space, bidi isolate
  'Auth\u00adSer\ufeffvice', // soft hyphen, zero-width no-break space
];

const IP_PREFIX = '10.66';
const HEAD_OK = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n';

/** Starts a provider listing `instances` IPs whose stats requests all meet `attack`. */
export async function startHostileProvider(
  attack: Attack,
  instances = 150,
): Promise<HostileProvider> {
  const ips = Array.from({ length: instances }, (_, i) => `${IP_PREFIX}.${i >> 8}.${i & 255}`);
  const sockets = new Set<Socket>();
  let requests = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      // Whatever the client sends next is not read: one request per connection is enough.
      socket.resume();
      const path = /^GET (\S+)/.exec(head)?.[1] ?? '';
      if (path === '/servers') {
        const body = JSON.stringify(ips);
        socket.end(
          `${HEAD_OK}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        return;
      }
      requests++;
      answer(socket, attack, Number(path.split('.').at(-1)) || 0);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    api: `127.0.0.1:${port}`,
    port,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function answer(socket: Socket, attack: Attack, n: number): void {
  switch (attack) {
    case 'chunk-bomb':
      flood(socket, `${HEAD_OK}Transfer-Encoding: chunked\r\n\r\n`, () =>
        Buffer.from(`1;x=${'a'.repeat(1000)}\r\n \r\n`.repeat(64), 'latin1'),
      );
      return;
    case 'tiny-chunks':
      flood(socket, `${HEAD_OK}Transfer-Encoding: chunked\r\n\r\n`, () =>
        Buffer.from('1\r\n \r\n'.repeat(4096), 'latin1'),
      );
      return;
    case 'trailer-bomb':
      flood(socket, `${HEAD_OK}Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n`, () =>
        Buffer.from(`X-Trailer: ${'t'.repeat(64)}\r\n`.repeat(256), 'latin1'),
      );
      return;
    case 'header-bomb':
      flood(socket, HEAD_OK, () =>
        Buffer.from(`X-Header: ${'h'.repeat(64)}\r\n`.repeat(256), 'latin1'),
      );
      return;
    case 'interim-flood':
      flood(socket, '', () => Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'.repeat(1024), 'latin1'));
      return;
    case 'byte-segments':
      byteSegments(socket, 1024 * 1024);
      return;
    case 'endless-until-close':
      flood(socket, `${HEAD_OK}Connection: close\r\n\r\n`, () => Buffer.alloc(64 * 1024, 0x20));
      return;
    case 'gzip-body':
      // gzip of `{"cpu":"1%","memory":"1%","service":"S"}` is not needed: any bytes will do.
      whole(socket, 'Content-Encoding: gzip\r\n', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]));
      return;
    case 'gzip-transfer':
      socket.end(`${HEAD_OK}Transfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`);
      return;
    case 'conflicting-length':
      socket.end(`${HEAD_OK}Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}`);
      return;
    case 'deep-json':
      whole(socket, '', Buffer.from(`${'['.repeat(500_000)}${']'.repeat(500_000)}`, 'latin1'));
      return;
    case 'spoofed-service': {
      const service = SPOOFED_SERVICES[n % SPOOFED_SERVICES.length];
      whole(socket, '', Buffer.from(JSON.stringify({ cpu: '10%', memory: '10%', service })));
      return;
    }
    case 'silence':
      return;
  }
}

/** A complete 200 answer with `body` and `extra` header lines, then close. */
function whole(socket: Socket, extra: string, body: Buffer): void {
  socket.write(`${HEAD_OK}${extra}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
  socket.end(body);
}

/** Writes `head`, then `more()` for as long as the client reads, as fast as it reads. */
function flood(socket: Socket, head: string, more: () => Buffer): void {
  const block = more();
  const pump = (): void => {
    while (!socket.destroyed && socket.write(block)) {
      // keep writing until the socket's buffer is full
    }
  };
  socket.on('drain', pump);
  if (head !== '') socket.write(head, 'latin1');
  pump();
}

/** A Content-Length body of `size` bytes, one byte per write (TCP_NODELAY: one per segment). */
function byteSegments(socket: Socket, size: number): void {
  socket.write(`${HEAD_OK}Content-Length: ${size}\r\n\r\n`);
  let sent = 0;
  const one = Buffer.from(' ');
  const pump = (): void => {
    // A few bytes per turn of the event loop, so the client reads them in many small segments.
    for (let i = 0; i < 16 && sent < size && !socket.destroyed; i++, sent++) socket.write(one);
    if (sent < size && !socket.destroyed) setImmediate(pump);
  };
  pump();
}
