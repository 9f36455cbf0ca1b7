import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { type Clock, systemClock } from '../../time/clock.ts';
import { FakeClock, until } from '../../time/fake-clock.test-helper.ts';
import { createRetryingConnector } from '../connector.ts';
import { FlowPolicy } from '../flow/policy.ts';
import { serveHeads, serveStalling } from '../loopback.test-helper.ts';
import { HttpPool } from './pool.ts';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

/** A policy that also records what the pool says of each connection it lets go of. */
class WatchedPolicy extends FlowPolicy {
  readonly releases: boolean[] = [];

  override released(connection: object, answered: boolean): void {
    this.releases.push(answered);
    super.released(connection, answered);
  }
}

function poolFor(url: URL, clock: Clock = systemClock): { pool: HttpPool; policy: WatchedPolicy } {
  const policy = new WatchedPolicy({ concurrency: 64, clock });
  const pool = new HttpPool({
    origin: url,
    connect: createRetryingConnector({ origin: url, timeoutMs: 1000, policy, clock }),
    policy,
    clock,
    maxHeadBytes: 16 * 1024,
  });
  closers.push(() => pool.close());
  return { pool, policy };
}

/**
 * GET `path` (default `/x`): the status and body, or the error's message. `onStalled` is told
 * when the pool frees the caller's slot early, as a caller with a request to spare would be;
 * `onStart` when the head has come.
 */
function get(
  pool: HttpPool,
  options: {
    path?: string;
    lastRound?: boolean;
    onStalled?: () => void;
    onStart?: () => void;
  } = {},
): Promise<{ status: number; body: string } | string> {
  return new Promise((resolve) => {
    let status = 0;
    const chunks: Buffer[] = [];
    pool.request(
      options.path ?? '/x',
      {
        onResponseStart: (code) => {
          status = code;
          options.onStart?.();
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
    const { pool } = poolFor(server.url);
    assert.deepEqual(await get(pool, { path: '/10.0.0.1' }), { status: 200, body: 'hi' });
    assert.deepEqual(await get(pool, { path: '/10.0.0.2' }), { status: 200, body: 'hi' });
    assert.equal(server.connections(), 1);
    assert.equal(
      heads[0],
      `GET /10.0.0.1 HTTP/1.1\r\nHost: ${server.url.host}\r\nAccept: application/json`,
    );
  });

  it('opens a connection per request when the server closes each one', async () => {
    const server = await serveHeads((socket) => socket.end('HTTP/1.0 200 OK\r\n\r\n{}'));
    closers.push(server.close);
    const { pool } = poolFor(server.url);
    const answers = await Promise.all([get(pool), get(pool), get(pool)]);
    assert.deepEqual(answers, Array(3).fill({ status: 200, body: '{}' }));
    assert.equal(server.connections(), 3);
    assert.equal(pool.connected, 0);
  });

  it('tells the policy which connections the server holds, and when it lets go of one', async () => {
    const waiting: Socket[] = [];
    const server = await serveHeads((socket) => {
      waiting.push(socket);
    });
    closers.push(server.close);
    const { pool, policy } = poolFor(server.url);
    const answers = Promise.all([get(pool), get(pool), get(pool)]);
    await until(() => waiting.length === 3, 'three requests at the server');
    assert.deepEqual([policy.connectionsHeld, policy.releases], [3, []]);
    waiting[0]?.end('HTTP/1.0 200 OK\r\n\r\n{}');
    await until(() => policy.connectionsHeld === 2, 'one let go');
    for (const socket of waiting.slice(1)) socket.end('HTTP/1.0 200 OK\r\n\r\n{}');
    await answers;
    assert.equal(policy.connectionsHeld, 0);
    assert.ok(policy.releases.slice(0, 3).every(Boolean), 'each after its answer');
  });

  it('counts nothing held by a server that keeps its connections', async () => {
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
    const { pool, policy } = poolFor(server.url);
    assert.deepEqual(await get(pool), { status: 200, body: 'hi' });
    const answer = get(pool);
    const socket = await arrived;
    assert.equal(policy.connectionsHeld, 0);
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
    const { pool } = poolFor(server.url);
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
    const { pool } = poolFor(server.url);
    const answer = await get(pool);
    assert.match(String(answer), /^(read ECONNRESET|response shorter than its Content-Length)$/);
    assert.equal(server.connections(), 1);
  });

  it('stops reusing a connection at the keep-alive timeout the server announced, less a second', async () => {
    const clock = new FakeClock();
    const server = await serveHeads((socket) => ok(socket, '{}', 'Keep-Alive: timeout=3\r\n'));
    closers.push(server.close);
    const { pool } = poolFor(server.url, clock);
    await get(pool);
    await clock.advance(1999);
    await get(pool);
    assert.equal(server.connections(), 1);
    await clock.advance(2001);
    await get(pool);
    assert.equal(server.connections(), 2);
  });

  it('drops an idle connection that sends bytes nobody asked for', async () => {
    let garbage: () => void = () => undefined;
    const server = await serveHeads((socket) => {
      ok(socket, '{}');
      garbage = () => socket.write('HTTP/1.1 200 OK\r\n');
    });
    closers.push(server.close);
    const { pool } = poolFor(server.url);
    await get(pool);
    garbage();
    await until(() => pool.connected === 0, 'the connection dropped');
    assert.deepEqual(await get(pool), { status: 200, body: '{}' });
    assert.equal(server.connections(), 2);
  });

  it('aborting a request drops its connection and reports nothing more', async () => {
    let arrived = false;
    const server = await serveHeads(() => {
      arrived = true;
    });
    closers.push(server.close);
    const { pool, policy } = poolFor(server.url);
    const calls: string[] = [];
    const exchange = pool.request('/x', {
      onResponseStart: () => calls.push('start'),
      onResponseData: () => calls.push('data'),
      onResponseEnd: () => calls.push('end'),
      onResponseError: () => calls.push('error'),
    });
    await until(() => arrived, 'the request at the server');
    exchange.abort();
    await until(() => pool.connected === 0, 'the connection dropped');
    assert.deepEqual(calls, []);
    assert.deepEqual(policy.releases, [false], 'let go unanswered: no holding time to learn from');
  });

  it('closes once requests in flight end, and refuses new ones', async () => {
    let answer: (() => void) | undefined;
    const server = await serveHeads((socket) => {
      answer = () => ok(socket, 'late');
    });
    closers.push(server.close);
    const { pool } = poolFor(server.url);
    const pending = get(pool);
    await until(() => answer !== undefined, 'the request at the server');
    const closed = pool.close();
    assert.equal(await get(pool), 'client closed');
    answer?.();
    assert.deepEqual(await pending, { status: 200, body: 'late' });
    await closed;
    assert.equal(pool.connected, 0);
  });

  describe('a body that lags behind its head', () => {
    /**
     * A server that sends the body of the answers `lags` picks (by the answer's number on its
     * connection, from 1) only when the test says so, after moving the fake clock on by 60 ms,
     * and the others with their head. Six requests, one after the other.
     */
    async function lagging(lags: (nth: number) => boolean) {
      const clock = new FakeClock();
      const heads: string[] = [];
      let held: (() => void) | undefined;
      const server = await serveHeads((socket, head, _connection, nth) => {
        heads.push(head);
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
        held = () => socket.write('ok', end);
      });
      closers.push(server.close);
      const { pool, policy } = poolFor(server.url, clock);
      const bodies: unknown[] = [];
      for (let i = 0; i < 6; i++) {
        let started = false;
        const answer = get(pool, {
          onStart: () => {
            started = true;
          },
        });
        await until(() => started, 'the head');
        if (held !== undefined) {
          await clock.advance(60);
          held();
          held = undefined;
        }
        bodies.push(await answer);
      }
      return { heads, bodies, connections: server.connections(), policy };
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
      assert.equal(run.policy.closesAfter(false), true);
    });

    it('keeps connections alive for a server whose bodies lag on new connections too', async () => {
      const run = await lagging(() => true);
      assert.deepEqual(run.bodies, Array(6).fill({ status: 200, body: 'ok' }));
      assert.ok(run.heads.every((head) => !/connection: close/i.test(head)));
      assert.equal(run.connections, 1);
      assert.equal(run.policy.closesAfter(false), false);
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
      const { pool } = poolFor(server.url);
      // Before any answer stalled, a last-round request keeps its connection.
      assert.deepEqual(await get(pool, { lastRound: true }), { status: 200, body: 'ok' });
      assert.deepEqual(await chain(pool, 5), Array(5).fill({ status: 200, body: 'ok' }));
      assert.deepEqual(released, { byRequest: 4, byTimer: 0 });
      assert.equal(server.connections(), 1);
      assert.equal(pool.pipelined, 4);
      // The last one asked the server to close after answering: its body came with the FIN.
      assert.deepEqual(
        heads.map((head) => /\r\nConnection: close$/.test(head)),
        [false, false, false, false, false, true],
      );
    });

    it('sends nothing behind the head of a large body streaming in', async () => {
      const body = 'x'.repeat(100_000);
      let rest: () => void = () => undefined;
      const server = await serveHeads((socket) => {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
        rest = () => socket.write(body);
      });
      closers.push(server.close);
      const { pool, policy } = poolFor(server.url);
      let stalls = 0;
      for (let i = 0; i < 2; i++) {
        const answer = await get(pool, { onStalled: () => stalls++, onStart: () => rest() });
        assert.equal(typeof answer === 'string' ? answer : answer.body.length, body.length);
      }
      assert.equal(stalls, 0);
      assert.equal(policy.readers(8), 8, 'no spare readers: answers do not stall');
    });

    it('sends nothing behind an answer given up on as its head came', async () => {
      const { server } = await stalling(2000);
      const { pool } = poolFor(server.url);
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
      assert.deepEqual(await get(pool), { status: 200, body: 'ok' });
      assert.equal(pool.pipelined, 0);
    });

    it('lets the answer ahead of a request given up end, then drops their connection', async () => {
      const { server } = await stalling(2000);
      const { pool } = poolFor(server.url);
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
      const { pool } = poolFor(server.url);
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
