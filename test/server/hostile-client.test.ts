import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningServer, startServer } from '../../src/server/server.ts';
import { FLEET, RULES, snapshotOf } from '../../src/server/test-fixtures.test-helper.ts';
import { type RawEnding, rawExchange, rawGet } from '../helpers/raw-http.ts';

// The hostile-client harness (issue 20): `serve` in-process, on loopback, driven by a raw TCP
// client that sends what browsers and curl would not, ends requests every way a connection can
// end, and does not read. Asserts status codes, and that timers, handles and stream subscribers
// come back to where they were. Bounded: every exchange has a time limit.

let server: RunningServer;
let port: number;

before(async () => {
  server = await startServer({
    scan: async () => snapshotOf(FLEET, Date.now()),
    provider: 'http://127.0.0.1:9',
    rules: RULES,
    intervalMs: 60_000,
    historyMs: 3_600_000,
    listen: { host: '127.0.0.1', port: 0, loopback: true },
    auth: {},
    webRoot: undefined,
    log: () => undefined,
  });
  port = server.port;
  await until(() => server.state.latest !== undefined);
});

after(() => server.stop(1000));

/** Counts of live resources by kind: timers, sockets and the like. */
function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo())
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** Resolves once `done()` holds, checking every 20 ms; fails after `ms`. */
async function until(done: () => boolean, ms = 5000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
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
      server.state.subscribers === 0 &&
      (resources().get('Timeout') ?? 0) <= (before.get('Timeout') ?? 0) &&
      (resources().get('TCPSocketWrap') ?? 0) <= (before.get('TCPSocketWrap') ?? 0);
    await until(settled);
    const now = resources();
    assert.equal(server.state.subscribers, 0, 'stream subscribers left behind');
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
