import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { createRetryingConnector } from '../connector.ts';
import { serveHeads, serveStalling } from '../loopback.test-helper.ts';
import { HttpPool, type PoolOptions } from './pool.ts';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

function poolFor(
  url: URL,
  extra: Pick<PoolOptions, 'now' | 'onCloseEach' | 'onReleased'> = {},
): HttpPool {
  const pool = new HttpPool({
    origin: url,
    connect: createRetryingConnector({ origin: url, timeoutMs: 1000 }),
    maxHeadBytes: 16 * 1024,
    ...extra,
  });
  closers.push(() => pool.close());
  return pool;
}

/**
 * GET `path` (default `/x`): the status and body, or the error's message. `onStalled` is told
 * when the pool frees the caller's slot early, as a caller with a request to spare would be.
 */
function get(
  pool: HttpPool,
  options: { path?: string; lastRound?: boolean; onStalled?: () => void } = {},
): Promise<{ status: number; body: string } | string> {
  return new Promise((resolve) => {
    let status = 0;
    const chunks: Buffer[] = [];
    pool.request(
      options.path ?? '/x',
      {
        onResponseStart: (code) => {
          status = code;
        },
        onResponseStalled: options.onStalled,
        onResponseData: (chunk) => chunks.push(chunk),
        onResponseEnd: () => resolve({ status, body: Buffer.concat(chunks).toString() }),
        onResponseError: (err) => resolve(err.message),
      },
      options.lastRound,
    );
  });
}

function ok(socket: Socket, body: string, extra = ''): void {
  socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`);
}

describe('HttpPool', () => {
  it('sends the path, Host and Accept, and reuses a kept-alive connection', async () => {
    const heads: string[] = [];
    const server = await serveHeads((socket, head) => {
      heads.push(head);
      ok(socket, 'hi');
    });
    closers.push(server.close);
    const pool = poolFor(server.url);
    assert.deepEqual(await get(pool, { path: '/10.0.0.1' }), { status: 200, body: 'hi' });
    assert.deepEqual(await get(pool, { path: '/10.0.0.2' }), { status: 200, body: 'hi' });
    assert.equal(server.connections(), 1);
    assert.equal(pool.lastReusable, true);
    assert.equal(
      heads[0],
      `GET /10.0.0.1 HTTP/1.1\r\nHost: ${server.url.host}\r\nAccept: application/json`,
    );
  });

  it('opens a connection per request when the server closes each one', async () => {
    const server = await serveHeads((socket) => socket.end('HTTP/1.0 200 OK\r\n\r\n{}'));
    closers.push(server.close);
    const pool = poolFor(server.url);
    const answers = await Promise.all([get(pool), get(pool), get(pool)]);
    assert.deepEqual(answers, Array(3).fill({ status: 200, body: '{}' }));
    assert.equal(server.connections(), 3);
    assert.equal(pool.lastReusable, false);
    assert.equal(pool.connected, 0);
  });

  it('counts the connections a server holds, and says when it lets go of one', async () => {
    const waiting: Socket[] = [];
    let arrived: () => void = () => undefined;
    const server = await serveHeads((socket) => {
      waiting.push(socket);
      if (waiting.length === 3) arrived();
    });
    closers.push(server.close);
    let released = 0;
    const pool = poolFor(server.url, {
      onReleased: (heldMs) => {
        assert.ok(heldMs !== undefined && heldMs >= 0, 'answered: it says how long');
        released++;
      },
    });
    const all = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const answers = Promise.all([get(pool), get(pool), get(pool)]);
    await all;
    assert.deepEqual([pool.heldWithin(Number.POSITIVE_INFINITY), released], [3, 0]);
    assert.equal(pool.heldWithin(-1), 0, 'none connected in the future');
    waiting[0]?.end('HTTP/1.0 200 OK\r\n\r\n{}');
    const first = await new Promise<number>((resolve) => {
      const check = (): void => {
        if (released > 0) resolve(pool.heldWithin(Number.POSITIVE_INFINITY));
        else setImmediate(check);
      };
      check();
    });
    assert.equal(first, 2);
    for (const socket of waiting.slice(1)) socket.end('HTTP/1.0 200 OK\r\n\r\n{}');
    await answers;
    assert.deepEqual([pool.heldWithin(Number.POSITIVE_INFINITY), released], [0, 3]);
  });

  it('does not count what a server that keeps connections holds', async () => {
    let requests = 0;
    let second: (socket: Socket) => void = () => undefined;
    const arrived = new Promise<Socket>((resolve) => {
      second = resolve;
    });
    const server = await serveHeads((socket) => {
      requests++;
      if (requests === 1) ok(socket, 'hi');
      else second(socket);
    });
    closers.push(server.close);
    const pool = poolFor(server.url);
    assert.deepEqual(await get(pool), { status: 200, body: 'hi' });
    const answer = get(pool);
    const socket = await arrived;
    assert.equal(pool.heldWithin(Number.POSITIVE_INFINITY), 0);
    ok(socket, 'ho');
    assert.deepEqual(await answer, { status: 200, body: 'ho' });
  });

  it('re-sends once, on a fresh connection, a request whose reused connection had gone stale', async () => {
    let requests = 0;
    const server = await serveHeads((socket, _head, connection) => {
      // The first connection answers once, then drops the next request unanswered.
      requests++;
      if (connection > 1) ok(socket, 'second');
      else if (requests === 1) ok(socket, 'first');
      else socket.resetAndDestroy();
    });
    closers.push(server.close);
    const pool = poolFor(server.url);
    assert.deepEqual(await get(pool), { status: 200, body: 'first' });
    assert.deepEqual(await get(pool), { status: 200, body: 'second' });
    assert.equal(server.connections(), 2);
  });

  it('does not re-send when a fresh connection fails, nor once the answer has begun', async () => {
    const server = await serveHeads((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{');
      socket.resetAndDestroy();
    });
    closers.push(server.close);
    const pool = poolFor(server.url);
    const answer = await get(pool);
    assert.match(String(answer), /^(read ECONNRESET|response shorter than its Content-Length)$/);
    assert.equal(server.connections(), 1);
  });

  it('stops reusing a connection at the keep-alive timeout the server announced, less a second', async () => {
    let clock = 0;
    const server = await serveHeads((socket) => ok(socket, '{}', 'Keep-Alive: timeout=3\r\n'));
    closers.push(server.close);
    const pool = poolFor(server.url, { now: () => clock });
    await get(pool);
    clock = 1999;
    await get(pool);
    assert.equal(server.connections(), 1);
    clock += 2001;
    await get(pool);
    assert.equal(server.connections(), 2);
  });

  it('drops an idle connection that sends bytes nobody asked for', async () => {
    const server = await serveHeads((socket) => {
      ok(socket, '{}');
      setTimeout(() => socket.writable && socket.write('HTTP/1.1 200 OK\r\n'), 20);
    });
    closers.push(server.close);
    const pool = poolFor(server.url);
    await get(pool);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(pool.connected, 0);
    assert.deepEqual(await get(pool), { status: 200, body: '{}' });
    assert.equal(server.connections(), 2);
  });

  it('aborting a request drops its connection and reports nothing more', async () => {
    const server = await serveHeads(() => undefined);
    closers.push(server.close);
    const released: Array<number | undefined> = [];
    const pool = poolFor(server.url, { onReleased: (heldMs) => released.push(heldMs) });
    const calls: string[] = [];
    const exchange = pool.request('/x', {
      onResponseStart: () => calls.push('start'),
      onResponseData: () => calls.push('data'),
      onResponseEnd: () => calls.push('end'),
      onResponseError: () => calls.push('error'),
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    exchange.abort();
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(calls, []);
    assert.equal(pool.connected, 0);
    assert.deepEqual(released, [undefined], 'let go unanswered: no holding time to learn from');
  });

  it('closes once requests in flight end, and refuses new ones', async () => {
    const server = await serveHeads((socket) => setTimeout(() => ok(socket, 'late'), 50));
    closers.push(server.close);
    const pool = poolFor(server.url);
    const pending = get(pool);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const closed = pool.close();
    assert.equal(await get(pool), 'client closed');
    assert.deepEqual(await pending, { status: 200, body: 'late' });
    await closed;
    assert.equal(pool.connected, 0);
  });

  describe('a body that lags behind its head', () => {
    /**
     * A server that sends the body of the answers `lags` picks (by the answer's number on its
     * connection, from 1) 60 ms after their head, and the others with it.
     */
    async function lagging(lags: (nth: number) => boolean) {
      const heads: string[] = [];
      const served = new Map<number, number>();
      const server = await serveHeads((socket, head, connection) => {
        socket.setNoDelay(true);
        heads.push(head);
        const nth = (served.get(connection) ?? 0) + 1;
        served.set(connection, nth);
        const close = /connection: close/i.test(head);
        const answer = `HTTP/1.1 200 OK\r\nContent-Length: 2\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
        const end = (): void => {
          if (close) socket.end();
        };
        if (!lags(nth)) {
          socket.write(`${answer}ok`, end);
          return;
        }
        socket.write(answer);
        setTimeout(() => socket.write('ok', end), 60);
      });
      closers.push(server.close);
      let switched = 0;
      const pool = poolFor(server.url, { onCloseEach: () => switched++ });
      const bodies: unknown[] = [];
      for (let i = 0; i < 6; i++) bodies.push(await get(pool));
      return { heads, bodies, connections: server.connections(), switched: () => switched };
    }

    it('asks for a connection per request once kept-alive answers stall (Nagle and delayed ACK)', async () => {
      // The first answer on a connection is acknowledged at once; later ones wait for the ACK.
      const run = await lagging((nth) => nth > 1);
      assert.deepEqual(run.bodies, Array(6).fill({ status: 200, body: 'ok' }));
      // Answers 2 to 4 stalled on the kept-alive connection; 5 and 6 each had a new one.
      assert.deepEqual(
        run.heads.map((head) => /\r\nConnection: close$/.test(head)),
        [false, false, false, false, true, true],
      );
      assert.equal(run.connections, 3);
      assert.equal(run.switched(), 1);
    });

    it('keeps connections alive for a server whose bodies lag on new connections too', async () => {
      const run = await lagging(() => true);
      assert.deepEqual(run.bodies, Array(6).fill({ status: 200, body: 'ok' }));
      assert.ok(run.heads.every((head) => !/connection: close/i.test(head)));
      assert.equal(run.connections, 1);
      assert.equal(run.switched(), 0);
    });
  });

  describe('pipelining behind a head that came alone', () => {
    async function stalling(holdMs: number, closeBehind = false) {
      const server = await serveStalling(() => 'ok', { holdMs, closeBehind });
      closers.push(server.close);
      return { server, heads: server.heads, released: server.released };
    }

    /**
     * `count` requests, each sent when the one before frees its slot early (a spare reader),
     * the last one in the last round; resolves with every answer.
     */
    async function chain(pool: HttpPool, count: number): Promise<unknown[]> {
      const answers: Array<Promise<unknown>> = [];
      const send = (i: number): void => {
        const last = i === count - 1;
        answers.push(
          get(pool, { lastRound: last, onStalled: last ? undefined : () => send(i + 1) }),
        );
      };
      send(0);
      const results: unknown[] = [];
      // Each answer ends only once the next request went out, so the list grows in time.
      for (let i = 0; i < answers.length; i++) results.push(await answers[i]);
      return results;
    }

    it('sends the next request behind the head, which brings the body at once', async () => {
      const { server, heads, released } = await stalling(2000);
      const pool = poolFor(server.url);
      // Before any answer stalled, a last-round request keeps its connection.
      assert.deepEqual(await get(pool, { lastRound: true }), { status: 200, body: 'ok' });
      assert.deepEqual(await chain(pool, 5), Array(5).fill({ status: 200, body: 'ok' }));
      assert.deepEqual(released, { byRequest: 4, byTimer: 0 });
      assert.equal(server.connections(), 1);
      // The last one asked the server to close after answering: its body came with the FIN.
      assert.deepEqual(
        heads.map((head) => /\r\nConnection: close$/.test(head)),
        [false, false, false, false, false, true],
      );
    });

    it('sends nothing behind the head of a large body streaming in', async () => {
      const body = 'x'.repeat(100_000);
      const server = await serveHeads((socket) => {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
        setTimeout(() => socket.write(body), 20);
      });
      closers.push(server.close);
      const pool = poolFor(server.url);
      let stalls = 0;
      for (let i = 0; i < 2; i++) {
        const answer = await get(pool, { onStalled: () => stalls++ });
        assert.equal(typeof answer === 'string' ? answer : answer.body.length, body.length);
      }
      assert.equal(stalls, 0);
      assert.equal(pool.headsAlone, false);
    });

    it('sends nothing behind an answer given up on as its head came', async () => {
      const { server } = await stalling(2000);
      const pool = poolFor(server.url);
      await get(pool);
      // The second answer's head comes alone; the caller drops it there (say, too large).
      await new Promise<void>((resolve) => {
        const exchange = pool.request('/x', {
          onResponseStart: () => {
            exchange.abort();
            resolve();
          },
          onResponseData: () => undefined,
          onResponseEnd: () => undefined,
          onResponseError: () => undefined,
        });
      });
      const late = new Promise((resolve) => setTimeout(() => resolve('no answer in 1 s'), 1000));
      assert.deepEqual(await Promise.race([get(pool), late]), { status: 200, body: 'ok' });
    });

    it('lets the answer ahead of a request given up end, then drops their connection', async () => {
      const { server } = await stalling(2000);
      const pool = poolFor(server.url);
      await get(pool);
      const calls: string[] = [];
      const ahead = await get(pool, {
        onStalled: () => {
          const behind = pool.request('/x', {
            onResponseStart: () => calls.push('start'),
            onResponseData: () => calls.push('data'),
            onResponseEnd: () => calls.push('end'),
            onResponseError: () => calls.push('error'),
          });
          behind.abort();
        },
      });
      assert.deepEqual(ahead, { status: 200, body: 'ok' });
      assert.deepEqual(calls, []);
      // Its answer would come next on that connection: it is not reused.
      assert.deepEqual(await get(pool), { status: 200, body: 'ok' });
      assert.equal(server.connections(), 2);
    });

    it('re-sends a pipelined request the server closed on, and pipelines no more', async () => {
      const { server, released } = await stalling(50, true);
      const pool = poolFor(server.url);
      let stalls = 0;
      assert.deepEqual(await get(pool), { status: 200, body: 'ok' });
      const behind = new Promise<unknown>((resolve) => {
        const first = get(pool, {
          onStalled: () => {
            stalls++;
            resolve(Promise.all([first, get(pool)]));
          },
        });
      });
      assert.deepEqual(await behind, [
        { status: 200, body: 'ok' },
        { status: 200, body: 'ok' },
      ]);
      assert.equal(server.connections(), 2, 'the dropped request went out again on a new one');
      // The new connection's second answer stalls too; its slot is not freed early any more.
      const third = await get(pool, { onStalled: () => stalls++ });
      assert.deepEqual(third, { status: 200, body: 'ok' });
      assert.equal(stalls, 1);
      assert.deepEqual(released, { byRequest: 1, byTimer: 1 });
    });
  });
});
