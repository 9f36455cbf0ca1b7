import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { FleetmonError } from '../core/errors.ts';
import type { Reading } from '../core/types.ts';
import { FakeClock, until } from '../time/fake-clock.test-helper.ts';
import { readOne } from './client.test-helper.ts';
import { createProviderClient, type ProviderClient, type ProviderClientOptions } from './client.ts';
import { type Loopback, serveHttp, serveRaw, statsJson } from './loopback.test-helper.ts';

const open: Array<{ server: Loopback; client: ProviderClient }> = [];
after(async () => {
  for (const { server, client } of open) {
    await client.close();
    await server.close();
  }
});

/** A client of `server` on a fake clock: its timeouts fire only when the test moves time on. */
function track(
  server: Loopback,
  options: Partial<ProviderClientOptions> = {},
): { client: ProviderClient; clock: FakeClock } {
  const clock = options.clock instanceof FakeClock ? options.clock : new FakeClock();
  const client = createProviderClient({
    baseUrl: server.url,
    timeoutMs: 200,
    retries: 0,
    concurrency: 4,
    backoff: { baseMs: 1, maxMs: 5 },
    clock,
    ...options,
  });
  open.push({ server, client });
  return { client, clock };
}

/** A raw server that never answers, and how many requests it has received. */
async function silent(): Promise<{ server: Loopback; received: () => number }> {
  let received = 0;
  const server = await serveRaw(() => {
    received++;
  });
  return { server, received: () => received };
}

/** An HTTP/1.0 answer with no Content-Length: the body ends when the server closes. */
function http10(socket: Socket, body: string): void {
  socket.end(`HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n${body}`);
}

describe('provider client over the network', () => {
  it('times out a provider that never answers, once its timeout has passed', async () => {
    const { server, received } = await silent();
    const { client, clock } = track(server, { timeoutMs: 150 });
    let reading: Reading | undefined;
    const read = readOne(client, '10.0.0.1').then((got) => {
      reading = got;
    });
    await until(() => received() === 1, 'the request at the server');
    await clock.advance(149);
    assert.equal(reading, undefined);
    await clock.advance(1);
    await read;
    assert.deepEqual(reading, {
      ip: '10.0.0.1',
      ok: false,
      service: null,
      error: 'timeout after 150ms',
      attempts: 1,
    });
  });

  it('refuses a flood of response headers without reading them all', async () => {
    const server = await serveRaw((socket) =>
      socket.end(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(40_000)}\r\nContent-Length: 2\r\n\r\n{}`),
    );
    const reading = await readOne(track(server).client, '10.0.0.1');
    assert.equal(reading.ok ? '' : reading.error, 'response headers larger than 16 KiB');
  });

  it('names a reset connection and retries it', async () => {
    const server = await serveRaw((socket) => socket.resetAndDestroy());
    const { client } = track(server, { retries: 2, clock: new FakeClock({ sleeps: 'skip' }) });
    const reading = await readOne(client, '10.0.0.1');
    assert.equal(reading.ok ? '' : reading.error, 'connection reset (ECONNRESET)');
    assert.equal(reading.attempts, 3);
    assert.equal(server.connections(), 3);
  });

  it('names a connection closed before the answer', async () => {
    const server = await serveRaw((socket) => socket.end());
    const reading = await readOne(track(server).client, '10.0.0.1');
    assert.equal(
      reading.ok ? '' : reading.error,
      'connection closed before the response was complete',
    );
  });

  it('names a non-HTTP answer', async () => {
    const server = await serveRaw((socket) => socket.end('SSH-2.0-OpenSSH\r\n\r\n'));
    const reading = await readOne(track(server).client, '10.0.0.1');
    assert.equal(reading.ok ? '' : reading.error, 'invalid HTTP response (malformed status line)');
  });

  it('reads from an HTTP/1.0 provider that closes after every response', async () => {
    const server = await serveRaw((socket, head) => {
      const ip = /^GET \/(\S+) /.exec(head)?.[1] ?? '';
      if (ip === 'servers') http10(socket, JSON.stringify(['10.0.0.1', '10.0.0.2']));
      else http10(socket, statsJson(`svc-${ip}`, '10%', '20%'));
    });
    const { client } = track(server, { concurrency: 8 });
    assert.deepEqual(await client.listServers(), ['10.0.0.1', '10.0.0.2']);
    const ips = Array.from({ length: 200 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    const readings: Reading[] = [];
    await client.readInstances(ips, {
      concurrency: 8,
      onReading: (index, reading) => {
        readings[index] = reading;
      },
    });
    for (const [i, reading] of readings.entries()) {
      assert.deepEqual(reading, {
        ip: ips[i],
        ok: true,
        stats: { service: `svc-${ips[i]}`, cpu: 10, memory: 20 },
        attempts: 1,
      });
    }
    assert.equal(server.connections(), 201);
    // What `--stats` reports: a connection per request, none of them pipelined.
    assert.equal(client.traffic?.connections, 201);
    assert.equal(client.traffic?.pipelined, 0);
  });

  it('one abort ends every read in flight under that signal, and only those', async () => {
    const { server, received } = await silent();
    const { client } = track(server, { timeoutMs: 5000 });
    const stopped = new AbortController();
    const other = new AbortController();
    const reason = new Error('stopped by user');
    const aborted = ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((ip) =>
      readOne(client, ip, stopped.signal),
    );
    let otherSettled = false;
    const untouched = readOne(client, '10.0.0.4', other.signal).finally(() => {
      otherSettled = true;
    });
    await until(() => received() === 4, 'four requests at the server');
    stopped.abort(reason);
    for (const read of aborted) await assert.rejects(read, (err) => err === reason);
    assert.equal(otherSettled, false);
    other.abort(new Error('done'));
    await assert.rejects(untouched, /done/);
  });

  it('stops waiting between attempts when aborted', async () => {
    let received = 0;
    const server = await serveHttp((_req, res) => {
      received++;
      res.writeHead(500).end();
    });
    const { client, clock } = track(server, {
      retries: 5,
      backoff: { baseMs: 10_000, maxMs: 10_000 },
      random: () => 1,
    });
    const controller = new AbortController();
    const read = readOne(client, '10.0.0.1', controller.signal);
    await until(() => clock.slept.length === 1, 'the wait after the first attempt');
    controller.abort(new Error('stop'));
    await assert.rejects(read, /stop/);
    assert.equal(received, 1);
  });

  it('keeps at most `concurrency` requests in flight, and waiting for a slot never times out', async () => {
    const waiting: Socket[] = [];
    let peak = 0;
    const server = await serveRaw((socket) => {
      waiting.push(socket);
      peak = Math.max(peak, waiting.length);
    });
    const { client, clock } = track(server, { concurrency: 3, timeoutMs: 500 });
    const readings: Reading[] = [];
    const ips = Array.from({ length: 45 }, (_, i) => `10.0.0.${i}`);
    const read = client.readInstances(ips, {
      concurrency: 3,
      onReading: (_, reading) => readings.push(reading),
    });
    // Each round waits 499 ms before it is answered: 7.5 s in all, far past the timeout.
    for (let round = 0; round < 15; round++) {
      await until(() => waiting.length === 3, `round ${round} at the server`);
      await clock.advance(499);
      for (const socket of waiting.splice(0)) {
        socket.end(`HTTP/1.0 200 OK\r\n\r\n${statsJson()}`);
      }
    }
    await read;
    assert.equal(peak, 3);
    assert.equal(readings.length, 45);
    assert.deepEqual(
      readings.filter((reading) => !reading.ok),
      [],
    );
  });

  it('lists through a timeout into provider-unreachable naming --timeout', async () => {
    const { server, received } = await silent();
    const { client, clock } = track(server, {
      timeoutMs: 100,
      retries: 1,
      clock: new FakeClock({ sleeps: 'skip' }),
    });
    const listed = assert.rejects(client.listServers(), (err: unknown) => {
      assert.ok(err instanceof FleetmonError);
      assert.equal(err.code, 'provider-unreachable');
      assert.equal(err.message, `cannot reach ${server.url.origin}/servers: timeout after 100ms`);
      assert.match(err.hint ?? '', /--timeout/);
      return true;
    });
    await until(() => received() === 1, 'the first attempt');
    await clock.advance(100);
    await until(() => received() === 2, 'the retry');
    await clock.advance(100);
    await listed;
  });
});
