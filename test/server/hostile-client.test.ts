import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type RunningServer, type ServerOptions, startServer } from '../../src/server/server.ts';
import { FLEET, RULES, snapshotOf } from '../../src/server/test-fixtures.test-helper.ts';
import { createMemoryStore } from '../../src/store/memory/memory-store.ts';
import { eventually } from '../helpers/eventually.ts';
import { type RawEnding, rawExchange, rawGet } from '../helpers/raw-http.ts';

// The hostile-client harness (issue 20): `serve` in-process, on loopback, driven by a raw TCP
// client that sends what browsers and curl would not, ends requests every way a connection can
// end, and does not read. Asserts status codes, and that timers, handles and stream subscribers
// come back to where they were. Bounded: every exchange has a time limit.

let server: RunningServer;
let port: number;
/** What the server logged: it goes to a terminal, so nothing raw may be in it. */
const logged: string[] = [];

/** serve over a fixed fleet on a loopback port, logging into `log`. */
function serveFleet(log: string[], limits: Partial<ServerOptions> = {}): Promise<RunningServer> {
  return startServer({
    scan: async () => snapshotOf(FLEET, Date.now()),
    provider: 'http://127.0.0.1:9',
    rules: RULES,
    intervalMs: 60_000,
    store: createMemoryStore({ windowMs: 3_600_000, maxScans: 60 }),
    listen: { host: '127.0.0.1', port: 0, loopback: true },
    auth: {},
    webRoot: undefined,
    log: (line) => log.push(line),
    ...limits,
  });
}

let baseSubscribers = 0;

before(async () => {
  server = await serveFleet(logged);
  port = server.port;
  await until(() => server.state.latest !== undefined);
  // The store's recorder listens to every scan: live streams are counted from here.
  baseSubscribers = server.state.subscribers;
});

after(() => server.stop(1000));

/** Counts of live resources by kind: timers, sockets and the like. */
function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo())
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** Resolves once `done()` holds, or after enough looks; the caller asserts what it needs. */
async function until(done: () => boolean): Promise<void> {
  await eventually('the server settling', () => done() || undefined, { everyMs: 20 }).catch(
    () => {},
  );
}

/** Runs `count` exchanges, `parallel` at a time. */
async function many(count: number, parallel: number, one: (i: number) => Promise<unknown>) {
  for (let i = 0; i < count; i += parallel) {
    await Promise.all(Array.from({ length: Math.min(parallel, count - i) }, (_, j) => one(i + j)));
  }
}

const LOCAL = { Host: '127.0.0.1' };

describe('live streams end however their request ends', () => {
  it('1,000 HEAD and aborted GET requests leave timers, handles and subscribers where they were', async () => {
    const before = resources();
    const endings: RawEnding[] = ['close-on-answer', 'reset-on-answer', 'close-at-once'];
    await many(1000, 50, (i) =>
      i % 2 === 0
        ? rawExchange(port, rawGet('/api/v1/stream', { ...LOCAL, Connection: 'close' }, 'HEAD'))
        : rawExchange(port, rawGet('/api/v1/stream', LOCAL), {
            ending: endings[(i >> 1) % endings.length],
          }),
    );
    const settled = () =>
      server.state.subscribers === baseSubscribers &&
      (resources().get('Timeout') ?? 0) <= (before.get('Timeout') ?? 0) &&
      (resources().get('TCPSocketWrap') ?? 0) <= (before.get('TCPSocketWrap') ?? 0);
    await until(settled);
    const now = resources();
    assert.equal(server.state.subscribers, baseSubscribers, 'stream subscribers left behind');
    for (const kind of ['Timeout', 'TCPSocketWrap']) {
      assert.ok(
        (now.get(kind) ?? 0) <= (before.get(kind) ?? 0),
        `${kind}: ${before.get(kind) ?? 0} before, ${now.get(kind) ?? 0} after`,
      );
    }
  });
});

describe('Host', () => {
  it('answers loopback names and addresses, with or without a port', async () => {
    for (const host of [
      '127.0.0.1',
      `127.0.0.1:${port}`,
      'localhost',
      `localhost:${port}`,
      '[::1]',
      `[::1]:${port}`,
      'app.localhost',
    ]) {
      const answer = await rawExchange(
        port,
        rawGet('/api/v1/status', { Host: host, Connection: 'close' }),
      );
      assert.equal(answer.status, 200, host);
    }
  });

  it('answers other names 421 with a one-line JSON error: a DNS-rebinding page reads nothing', async () => {
    for (const host of [
      'evil.example.com',
      `evil.example.com:${port}`,
      '10.0.0.5',
      'localhost.evil.example',
    ]) {
      for (const path of ['/api/v1/status', '/api/v1/stream', '/metrics', '/healthz', '/']) {
        const answer = await rawExchange(port, rawGet(path, { Host: host, Connection: 'close' }));
        assert.equal(answer.status, 421, `${host} ${path}`);
        const body = answer.text.slice(answer.text.indexOf('\r\n\r\n') + 4);
        assert.equal(body.split('\n').length, 1);
        assert.match(JSON.parse(body).message, /^Host ".*" is not served here/);
      }
    }
  });

  it('refuses a missing, doubled or malformed Host before any route runs', async () => {
    const requests = [
      'GET /api/v1/status HTTP/1.1\r\nConnection: close\r\n\r\n',
      'GET /api/v1/status HTTP/1.0\r\n\r\n',
      'GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example.com\r\nConnection: close\r\n\r\n',
      'GET /api/v1/status HTTP/1.1\r\nHost: evil.example.com@127.0.0.1\r\nConnection: close\r\n\r\n',
      'GET http://evil.example.com/api/v1/status HTTP/1.1\r\nHost: evil.example.com\r\nConnection: close\r\n\r\n',
      'GET http://evil.example.com/api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    ];
    for (const request of requests) {
      const answer = await rawExchange(port, request);
      assert.ok(
        answer.status !== undefined && answer.status >= 400,
        `${request}: ${answer.status}`,
      );
    }
  });
});

describe('methods', () => {
  it('answers every method but GET and HEAD 405 (or 400 when node cannot parse it), never 200', async () => {
    const allowed = new Set([400, 405]);
    for (const method of [
      'POST',
      'PUT',
      'DELETE',
      'PATCH',
      'OPTIONS',
      'TRACE',
      'CONNECT',
      'PROPFIND',
      'FOO',
      'G\u0001T',
    ]) {
      for (const path of ['/api/v1/status', '/api/v1/stream', '/metrics', '/']) {
        const target = method === 'CONNECT' ? '127.0.0.1:80' : path;
        const answer = await rawExchange(
          port,
          `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
        );
        // CONNECT has no handler: node closes the connection without a word, which is fine too.
        const ok =
          allowed.has(answer.status ?? 0) || (method === 'CONNECT' && answer.closedByServer);
        assert.ok(ok, `${method} ${target}: ${answer.status}`);
      }
    }
  });
});

describe('headers and targets', () => {
  const answers = async (request: string) => (await rawExchange(port, request)).status;

  it('refuses oversized heads and smuggling-shaped requests', async () => {
    const huge = rawGet('/api/v1/status', { ...LOCAL, 'X-Big': 'a'.repeat(20_000) });
    assert.equal(await answers(huge), 431);
    assert.ok(((await answers(rawGet(`/${'a'.repeat(100_000)}`, LOCAL))) ?? 0) >= 400);
    const smuggle =
      'GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n';
    assert.equal(await answers(smuggle), 400);
    assert.equal(
      await answers('GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX: a\u0000b\r\n\r\n'),
      400,
    );
    assert.equal(
      await answers('GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n folded\r\n\r\n'),
      400,
    );
  });

  it('never serves a file outside the dashboard, however the path is spelt', async () => {
    for (const path of [
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/..%2f..%2fetc%2fpasswd',
      '/assets/..\\..\\package.json',
      '//etc/passwd',
    ]) {
      const answer = await rawExchange(port, rawGet(path, { ...LOCAL, Connection: 'close' }));
      assert.ok([400, 404].includes(answer.status ?? 0), `${path}: ${answer.status}`);
      assert.doesNotMatch(answer.text, /root:|"devDependencies"/);
    }
  });

  it('answers pipelined requests in order, and a GET that announces a body it never sends', async () => {
    const two =
      rawGet('/healthz', LOCAL) + rawGet('/api/v1/status', { ...LOCAL, Connection: 'close' });
    const answer = await rawExchange(port, two);
    assert.equal(answer.text.match(/HTTP\/1\.1 200 /g)?.length, 2, answer.text.slice(0, 200));
    const promised = rawGet('/healthz', {
      ...LOCAL,
      'Content-Length': '1000000',
      Connection: 'close',
    });
    assert.equal((await rawExchange(port, promised)).status, 200);
  });
});

describe('slow clients', () => {
  it('100 connections dribbling their heads do not keep others from being answered', async () => {
    const slow = await Promise.all(Array.from({ length: 100 }, () => connected(port)));
    for (const socket of slow)
      socket.write('GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    try {
      const answer = await rawExchange(
        port,
        rawGet('/api/v1/status', { ...LOCAL, Connection: 'close' }),
      );
      assert.equal(answer.status, 200);
      // Answered while every slow head is still being waited for, not after they were cut.
      assert.ok(slow.every((socket) => !socket.destroyed && socket.readyState === 'open'));
    } finally {
      for (const socket of slow) socket.destroy();
    }
  });

  it('logged nothing raw on the way (what reaches the terminal)', () => {
    for (const line of logged) assert.doesNotMatch(line, /[\p{Cc}\p{Cf}\u2028\u2029]/u, line);
  });
});

describe('limits', () => {
  it('caps live streams: past --max-streams a clear 503, and a slot frees when a stream ends', async () => {
    const streams = Array.from({ length: 130 }, () => openStream(port));
    const statuses = await Promise.all(streams.map((s) => s.status));
    assert.equal(statuses.filter((s) => s === 200).length, 100);
    const refused = streams.filter((_, i) => statuses[i] === 503);
    assert.equal(refused.length, 30);
    const answer = await refused[0]?.answer;
    assert.match(answer ?? '', /\r\nretry-after: 10\r\n/i);
    assert.match(
      answer ?? '',
      /"message":"the most live streams this server allows are open \(--max-streams 100\); retry later"/,
    );
    for (const stream of streams) stream.close();
    await until(() => server.state.subscribers === baseSubscribers);
    const again = openStream(port);
    assert.equal(await again.status, 200);
    again.close();
  });

  it('caps connections: past --max-connections new ones are closed at once, unanswered', async () => {
    const logged: string[] = [];
    const small = await serveFleet(logged, { maxConnections: 20, maxStreams: 10 });
    try {
      // 20 connections that send nothing yet hold every place.
      const idle = await Promise.all(Array.from({ length: 20 }, () => connected(small.port)));
      const refused = await rawExchange(
        small.port,
        rawGet('/healthz', { ...LOCAL, Connection: 'close' }),
      );
      assert.equal(refused.status, undefined);
      assert.equal(refused.closedByServer, true);
      assert.match(
        logged.join('\n'),
        /connection limit reached: 20 open \(--max-connections\); new connections are closed unanswered/,
      );
      for (const socket of idle) socket.destroy();
      // Once the server has seen them go, a new connection is served again.
      const served = await eventually('a place freed', async () => {
        const answer = await rawExchange(
          small.port,
          rawGet('/healthz', { ...LOCAL, Connection: 'close' }),
        );
        return answer.status === undefined ? undefined : answer;
      });
      assert.equal(served.status, 200);
    } finally {
      await small.stop(100);
    }
  });
});

/** A live stream opened with a raw GET: its status once the head came, and a way to end it. */
function openStream(to: number): {
  status: Promise<number | undefined>;
  answer: Promise<string>;
  close(): void;
} {
  const socket = connect(to, '127.0.0.1');
  socket.on('error', () => undefined);
  let text = '';
  const answer = new Promise<string>((resolve) => {
    socket.on('close', () => resolve(text));
  });
  const status = new Promise<number | undefined>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (match !== null) resolve(Number(match[1]));
    });
    socket.on('close', () => resolve(undefined));
    setTimeout(() => resolve(undefined), 5000).unref();
  });
  socket.write(rawGet('/api/v1/stream', { ...LOCAL, Connection: 'close' }));
  return { status, answer, close: () => socket.destroy() };
}

/** A connection to `to` that has been accepted, sending nothing. */
function connected(to: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(to, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}
