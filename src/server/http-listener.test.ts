import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { Hono } from 'hono';
import { FakeClock, until } from '../time/fake-clock.test-helper.ts';
import { type HttpListener, listenHttp } from './http-listener.ts';

const LOOPBACK = { host: '127.0.0.1', port: 0, loopback: true };

/** An app whose `/hang` never answers, counting the requests that reached it. */
function hangingApp() {
  const arrived = { count: 0 };
  const app = new Hono();
  app.get('/hang', () => {
    arrived.count++;
    return new Promise<Response>(() => {});
  });
  return { app, arrived };
}

const sockets: Socket[] = [];
const listeners: HttpListener[] = [];
after(async () => {
  for (const socket of sockets) socket.destroy();
  for (const listener of listeners) await listener.close(0);
});

/** A loopback connection that sends `GET /hang` and notes when the server closes it. */
function hang(port: number): { closed: () => boolean } {
  let closed = false;
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => {});
  socket.on('close', () => {
    closed = true;
  });
  socket.write('GET /hang HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  return { closed: () => closed };
}

describe('listenHttp', () => {
  it('gives requests in flight the grace on its clock at close, then cuts them', async () => {
    const clock = new FakeClock();
    const { app, arrived } = hangingApp();
    const listener = await listenHttp(app, LOOPBACK, { maxConnections: 10, log: () => {}, clock });
    listeners.push(listener);
    const client = hang(listener.port);
    await until(() => arrived.count === 1, 'the request');
    let closed = false;
    void listener.close(5_000).then(() => {
      closed = true;
    });
    assert.deepEqual(clock.pending(), [5_000]);
    await clock.advance(4_999);
    assert.deepEqual([closed, client.closed()], [false, false], 'not cut before the grace');
    await clock.advance(1);
    await until(() => closed && client.closed(), 'the cut', clock);
    assert.deepEqual(clock.pending(), [], 'no timer left once closed');
  });

  it('warns of refused connections at most once a minute by its clock', async () => {
    const clock = new FakeClock();
    const { app, arrived } = hangingApp();
    const lines: string[] = [];
    const listener = await listenHttp(app, LOOPBACK, {
      maxConnections: 1,
      log: (line) => lines.push(line),
      clock,
    });
    listeners.push(listener);
    hang(listener.port);
    await until(() => arrived.count === 1, 'the first request');
    const refused = [hang(listener.port), hang(listener.port)];
    await until(() => refused.every((c) => c.closed()), 'both refused');
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /connection limit reached: 1 open/);
    await clock.advance(59_999);
    const third = hang(listener.port);
    await until(() => third.closed(), 'the third refused');
    assert.equal(lines.length, 1, 'not again within a minute');
    await clock.advance(1);
    const fourth = hang(listener.port);
    await until(() => fourth.closed(), 'the fourth refused');
    assert.equal(lines.length, 2);
  });
});
