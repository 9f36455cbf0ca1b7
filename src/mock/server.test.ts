import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, describe, it } from 'node:test';
import { httpGet } from '../../test/helpers/http-get.ts';
import { ipv6Available } from '../../test/helpers/net.ts';
import { FakeClock, until } from '../time/fake-clock.test-helper.ts';
import { clientHost, type MockOptions, type RunningMock, startMock } from './server.ts';

const STATS_BODY = /^\{"cpu":"\d{1,3}%","memory":"\d{1,3}%","service":"[A-Za-z]+"\}$/;
const running: RunningMock[] = [];

async function mock(options: MockOptions = {}): Promise<RunningMock> {
  const started = await startMock({ host: '127.0.0.1', ...options });
  running.push(started);
  return started;
}

after(async () => {
  await Promise.all(running.map((m) => m.close()));
});

/** Sends a raw request and returns everything the server wrote before it closed. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
    socket.setTimeout(3_000, () => reject(new Error('server did not close the connection')));
  });
}

for (const http10 of [false, true]) {
  describe(`CPX protocol (${http10 ? 'HTTP/1.0 raw' : 'HTTP/1.1 node:http'})`, () => {
    it('lists the fleet, answers stats, and rejects everything else with 400', async () => {
      const m = await mock({ http10, instances: 40, seed: 5, model: 'fixed' });
      assert.match(m.url, /^http:\/\/127\.0\.0\.1:\d+$/);

      const list = await fetch(`${m.url}/servers`);
      assert.equal(list.status, 200);
      assert.match(list.headers.get('content-type') ?? '', /^application\/json/);
      const ips = (await list.json()) as string[];
      assert.deepEqual(ips, m.fleet.ips);

      const ip = ips[3]!;
      const stats = await fetch(`${m.url}/${ip}`);
      assert.equal(stats.status, 200);
      const body = await stats.text();
      assert.match(body, STATS_BODY);
      const expected = m.fleet.statsAt(ip, 0)!;
      assert.deepEqual(JSON.parse(body), {
        cpu: `${expected.cpu}%`,
        memory: `${expected.memory}%`,
        service: expected.service,
      });

      for (const path of ['/10.0.0.1', '/', '/servers/', '/servers/x', `/${ip}/`, '/favicon.ico']) {
        const bad = await fetch(`${m.url}${path}`);
        assert.equal(bad.status, 400, path);
        assert.deepEqual(await bad.json(), { error: 'Invalid IP' });
      }
      const post = await fetch(`${m.url}/servers`, { method: 'POST', body: 'x' });
      assert.equal(post.status, 400);
      await post.arrayBuffer();
      assert.equal(m.stats.requests, 9);
    });

    it('applies latency to /servers too', async () => {
      const clock = new FakeClock();
      const m = await mock({ http10, latencyMs: { min: 40, max: 50 }, clock });
      let answered = false;
      const list = httpGet(`${m.url}/servers`).finally(() => (answered = true));
      await until(() => m.stats.requests === 1, 'the request');
      const [wait, ...more] = clock.pending();
      assert.ok(wait !== undefined && wait >= 40 && wait <= 50 && more.length === 0, `${wait}`);
      await clock.advance(wait - 1);
      assert.equal(answered, false, 'answered before its latency');
      await clock.advance(1);
      const answer = await list;
      assert.equal(answer.kind === 'answer' && answer.status, 200);
    });
  });
}

describe('HTTP/1.0 mode', () => {
  it('answers with an HTTP/1.0 status line and closes the connection', async () => {
    const m = await mock({ http10: true, instances: 3 });
    const text = await rawExchange(m.port, 'GET /servers HTTP/1.1\r\nHost: x\r\n\r\n');
    const [head = '', body = ''] = text.split('\r\n\r\n');
    assert.match(head, /^HTTP\/1\.0 200 OK\r\n/);
    assert.match(head, /\r\nConnection: close/i);
    assert.deepEqual(JSON.parse(body), m.fleet.ips);

    const bad = await rawExchange(m.port, 'GET /nope HTTP/1.0\r\n\r\n');
    assert.match(bad, /^HTTP\/1\.0 400 Bad Request\r\n/);
  });

  it('survives garbage and half-sent heads', async () => {
    const m = await mock({ http10: true, instances: 3 });
    assert.match(await rawExchange(m.port, 'HELLO\r\n\r\n'), /^HTTP\/1\.0 400 /);
    const socket = connect(m.port, '127.0.0.1', () =>
      socket.write('GET /serv', () => socket.destroy()),
    );
    await new Promise((resolve) => socket.once('close', resolve));
    const ok = await httpGet(`${m.url}/servers`);
    assert.equal(ok.kind === 'answer' && ok.status, 200);
  });
});

describe('serial mode', () => {
  for (const http10 of [false, true]) {
    it(`never has two requests in flight (${http10 ? 'HTTP/1.0' : 'HTTP/1.1'})`, async () => {
      const clock = new FakeClock();
      const m = await mock({ serial: true, http10, latencyMs: { min: 10, max: 10 }, clock });
      const pending = m.fleet.ips.slice(0, 12).map((ip) => httpGet(`${m.url}/${ip}`));
      await until(() => m.stats.requests === 12, 'every request');
      // One latency at a time: each starts when the one before has been answered.
      for (let served = 0; served < 12; served++) {
        assert.deepEqual(clock.pending(), [10], `before answer ${served + 1}`);
        clock.fireNext();
      }
      assert.deepEqual(clock.pending(), []);
      assert.equal(clock.now(), 12 * 10);
      const results = await Promise.all(pending);
      assert.ok(results.every((r) => r.kind === 'answer' && r.status === 200));
      assert.equal(m.stats.maxInFlight, 1);
    });
  }

  it('is what makes the difference: without it requests overlap', async () => {
    const clock = new FakeClock();
    const m = await mock({ latencyMs: { min: 10, max: 10 }, clock });
    const pending = m.fleet.ips.slice(0, 12).map((ip) => httpGet(`${m.url}/${ip}`));
    await until(() => m.stats.requests === 12, 'every request');
    assert.deepEqual(clock.pending(), Array(12).fill(10));
    assert.equal(m.stats.maxInFlight, 12);
    await clock.advance(10);
    assert.equal((await Promise.all(pending)).length, 12);
  });
});

describe('close()', () => {
  for (const http10 of [false, true]) {
    // A hung request never ends by itself: close() resolving at all means it cut it.
    it(`resolves with a hung request and idle keep-alive sockets open (${http10 ? 'HTTP/1.0' : 'HTTP/1.1'})`, async () => {
      const m = await mock({ http10, hangRate: 1 });
      await (await fetch(`${m.url}/servers`)).arrayBuffer(); // leaves an idle keep-alive socket (1.1)
      const hung = httpGet(`${m.url}/${m.fleet.ips[0]}`, { timeoutMs: 10_000 });
      await until(() => m.stats.requests === 2, 'the hung request');
      await m.close();
      assert.equal((await hung).kind, 'reset');
      await m.close(); // idempotent
    });
  }

  it('also closes a server with requests waiting for latency, and cancels it', async () => {
    const clock = new FakeClock();
    const m = await mock({ latencyMs: { min: 5_000, max: 5_000 }, serial: true, clock });
    const pending = [httpGet(`${m.url}/servers`), httpGet(`${m.url}/servers`)];
    await until(() => m.stats.requests === 2, 'both requests');
    assert.deepEqual(clock.pending(), [5_000]);
    // The clock stands still: close() cannot be waiting for the latency to pass.
    await m.close();
    assert.deepEqual(clock.pending(), [], 'the latency timer was cancelled');
    assert.equal(clock.now(), 0);
    for (const result of await Promise.all(pending)) assert.equal(result.kind, 'reset');
  });
});

describe('addresses', () => {
  it('binds 127.0.0.1 by default and gives a dialable URL', async () => {
    const m = await startMock({ instances: 2 });
    try {
      assert.equal(m.host, '127.0.0.1');
      assert.match(m.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal((await fetch(`${m.url}/servers`)).status, 200);
    } finally {
      await m.close();
    }
  });

  it('binds dual-stack when asked for ::, reachable over IPv4 too', async (t) => {
    if (!(await ipv6Available())) return t.skip('no IPv6 here');
    const m = await startMock({ host: '::', instances: 2 });
    try {
      assert.match(m.url, /^http:\/\/\[::1\]:\d+$/);
      assert.equal((await fetch(`${m.url}/servers`)).status, 200);
      assert.equal((await fetch(`http://127.0.0.1:${m.port}/servers`)).status, 200);
    } finally {
      await m.close();
    }
  });

  it('maps hosts to what a client dials', () => {
    assert.equal(clientHost('::'), '[::1]');
    assert.equal(clientHost('0.0.0.0'), '127.0.0.1');
    assert.equal(clientHost('::1'), '[::1]');
    assert.equal(clientHost('localhost'), 'localhost');
  });

  it('rejects bad options with a message naming the option', async () => {
    await assert.rejects(startMock({ errorRate: 2 }), /errorRate/);
    await assert.rejects(startMock({ latencyMs: { min: 5, max: 1 } }), /latencyMs/);
    await assert.rejects(startMock({ port: 70_000 }), /port/);
    await assert.rejects(startMock({ instances: -3 }), /instances/);
    await assert.rejects(startMock({ churn: 1.5 }), /churn/);
    await assert.rejects(startMock({ trickleIntervalMs: 0 }), /trickleIntervalMs/);
    await assert.rejects(startMock({ floodBytes: -1 }), /floodBytes/);
    await assert.rejects(startMock({ errorRate: 0.6, hangRate: 0.6 }), /add up to/);
    await assert.rejects(
      startMock({ serversFault: 'sometimes' as unknown as 'error' }),
      /serversFault must be one of/,
    );
  });
});
