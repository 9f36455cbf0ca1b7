import { connect, type Socket } from 'node:net';

/** What a raw exchange got back: the status (undefined when none came), and all the bytes. */
export interface RawAnswer {
  readonly status: number | undefined;
  readonly text: string;
  /** The server closed or reset the connection (rather than the client timing out). */
  readonly closedByServer: boolean;
}

/** How the client side ends a raw exchange. */
export type RawEnding =
  /** Reads until the server closes, or `timeoutMs`. */
  | 'read'
  /** Closes (FIN) as soon as the first byte of the answer arrives. */
  | 'close-on-answer'
  /** Resets (RST) as soon as the first byte of the answer arrives. */
  | 'reset-on-answer'
  /** Closes right after sending, before any answer. */
  | 'close-at-once';

/**
 * Sends `request` (bytes no HTTP client would send, if need be) on a new loopback connection to
 * `port` and ends the exchange as `ending` says. Never rejects; bounded by `timeoutMs`.
 */
export function rawExchange(
  port: number,
  request: string | Buffer,
  options: { ending?: RawEnding; timeoutMs?: number; host?: string } = {},
): Promise<RawAnswer> {
  const ending = options.ending ?? 'read';
  return new Promise((resolve) => {
    const socket: Socket = connect(port, options.host ?? '127.0.0.1');
    const chunks: Buffer[] = [];
    let closedByServer = false;
    const done = (): void => {
      clearTimeout(limit);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      resolve({ status: status === undefined ? undefined : Number(status), text, closedByServer });
    };
    const limit = setTimeout(done, options.timeoutMs ?? 2000);
    socket.on('error', () => {
      closedByServer = true;
      done();
    });
    socket.on('end', () => {
      closedByServer = true;
      done();
    });
    socket.on('close', done);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (ending === 'close-on-answer') done();
      if (ending === 'reset-on-answer') {
        socket.resetAndDestroy();
        done();
      }
    });
    socket.write(request, () => {
      if (ending === 'close-at-once') done();
    });
  });
}

/** A request head for `path` with `headers` (Host included or not, as given), CRLF-terminated. */
export function rawGet(path: string, headers: Record<string, string>, method = 'GET'): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('')}\r\n`;
}
