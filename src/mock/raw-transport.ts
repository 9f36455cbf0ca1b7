import { STATUS_CODES } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { Clock } from '../time/clock.ts';
import { bodyBytes, writeFlood, writeTrickle } from './body-writes.ts';
import type { Exchange, Outcome } from './exchange.ts';

/** A request head larger than this is refused, like any real server would. */
const MAX_HEAD_BYTES = 16 * 1024;
/** A client that has not sent a full head by then is cut off (slowloris guard). */
const HEAD_TIMEOUT_MS = 10_000;

/**
 * An HTTP/1.0 server on raw node:net that mimics the original Python provider:
 * one request per connection, `HTTP/1.0` status line, `Connection: close`, no
 * Content-Length (the body ends when the connection closes), then close.
 * node:http cannot emit an HTTP/1.0 status line, hence this transport.
 */
export function createRawTransport(exchange: Exchange, clock: Clock): Server {
  return createServer({ noDelay: true }, (socket) => serveOne(socket, exchange, clock));
}

function serveOne(socket: Socket, exchange: Exchange, clock: Clock): void {
  let head = '';
  // Clients reset connections all the time (timeouts, aborts); that is not our error.
  socket.on('error', () => socket.destroy());
  socket.setTimeout(HEAD_TIMEOUT_MS, () => socket.destroy());
  const onData = (chunk: Buffer): void => {
    head += chunk.toString('latin1');
    let end = head.indexOf('\r\n\r\n');
    if (end === -1) end = head.indexOf('\n\n');
    if (end === -1) {
      if (head.length > MAX_HEAD_BYTES) socket.destroy();
      return;
    }
    // Keep draining whatever follows (a body we ignore): closing with unread
    // input makes the kernel send RST, and the client could lose our answer.
    socket.off('data', onData);
    socket.on('data', () => {});
    socket.setTimeout(0);
    const [method = '', target = ''] = (head.slice(0, head.search(/\r?\n/)) || '').split(' ');
    exchange.serve(method, target, (outcome) => write(socket, outcome, clock));
  };
  socket.on('data', onData);
}

function write(socket: Socket, outcome: Outcome, clock: Clock): void {
  if (outcome.kind === 'hang' || socket.destroyed) return;
  if (outcome.kind === 'drop') {
    socket.destroy();
    return;
  }
  const { status, contentType, headers = {} } = outcome.reply;
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  // A reply with its own Date (`/now`, from its skewed clock) keeps it.
  const date = 'Date' in headers ? '' : `Date: ${new Date(clock.wallNow()).toUTCString()}\r\n`;
  const head = Buffer.from(
    `HTTP/1.0 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n` +
      'Server: fleetmon-mock (CPX compatible)\r\n' +
      date +
      `Content-Type: ${contentType}\r\n${extra}` +
      'Connection: close\r\n\r\n',
    'latin1',
  );
  const body = bodyBytes(outcome.reply.body);
  switch (outcome.kind) {
    case 'answer':
      socket.end(Buffer.concat([head, body]));
      return;
    case 'cut':
      socket.write(Buffer.concat([head, body.subarray(0, Math.floor(body.length / 2))]), () =>
        socket.resetAndDestroy(),
      );
      return;
    case 'trickle':
      socket.write(head);
      writeTrickle(socket, body, outcome.byteIntervalMs, clock);
      return;
    case 'flood':
      socket.write(head);
      writeFlood(socket, body, outcome.bytes);
      return;
  }
}
