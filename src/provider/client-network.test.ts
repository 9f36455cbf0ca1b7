import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { FleetmonError } from '../core/errors.ts';
import { createProviderClient, type ProviderClient, type ProviderClientOptions } from './client.ts';
import { type Loopback, serveHttp, serveRaw, statsJson } from './loopback.test-helper.ts';

const open: Array<{ server: Loopback; client: ProviderClient }> = [];
after(async () => {
  for (const { server, client } of open) {
    await client.close();
    await server.close();
  }
});

function track(server: Loopback, options: Partial<ProviderClientOptions> = {}): ProviderClient {
  const client = createProviderClient({
    baseUrl: server.url,
    timeoutMs: 200,
    retries: 0,
    concurrency: 4,
    backoff: { baseMs: 1, maxMs: 5 },
    ...options,
  });
  open.push({ server, client });
  return client;
}

/** An HTTP/1.0 answer with no Content-Length: the body ends when the server closes. */
function http10(socket: Socket, body: string): void {
  socket.end(`HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n${body}`);
}

describe('provider client over the network', () => {
  it('times out a provider that never answers, within the timeout', async () => {
    const server = await serveRaw(() => undefined);
    const client = track(server, { timeoutMs: 150 });
    const started = performance.now();
    const reading = await client.readInstance('10.0.0.1');
    const took = performance.now() - started;
    assert.deepEqual(reading, {
      ip: '10.0.0.1',
      ok: false,
      service: null,
      error: 'timeout after 150ms',
      attempts: 1,
    });
    assert.ok(took >= 140 && took < 400, `took ${took} ms`);
  });

  it('times out a trickling body even though bytes keep arriving', async () => {
    const timers: NodeJS.Timeout[] = [];
    const server = await serveRaw((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n{');
      timers.push(setInterval(() => socket.writable && socket.write(' '), 20));
    });
    const client = track(server, { timeoutMs: 200, retries: 1 });
    const started = performance.now();
    const reading = await client.readInstance('10.0.0.1');
    const took = performance.now() - started;
    for (const timer of timers) clearInterval(timer);
    assert.equal(reading.ok ? '' : reading.error, 'timeout after 200ms reading the body');
    assert.equal(reading.attempts, 2);
    assert.ok(took < 700, `took ${took} ms`);
  });

  it('reads a body that arrives in pieces, a multi-byte character split between them', async () => {
    const body = Buffer.from(statsJson('Zürich€Service'), 'utf8');
    const cut = body.indexOf(0xe2) + 1; // inside the three bytes of €
    const server = await serveRaw((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
      setTimeout(() => socket.write(body.subarray(0, 5)), 10);
      setTimeout(() => socket.write(body.subarray(5, cut)), 20);
      setTimeout(() => socket.write(body.subarray(cut)), 30);
    });
    const reading = await track(server).readInstance('10.0.0.1');
    assert.equal(reading.ok && reading.stats.service, 'Zürich€Service');
  });

  it('refuses a flood of response headers without reading them all', async () => {
    const server = await serveRaw((socket) =>
      socket.end(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(40_000)}\r\nContent-Length: 2\r\n\r\n{}`),
    );
    const reading = await track(server).readInstance('10.0.0.1');
    assert.equal(reading.ok ? '' : reading.error, 'response headers larger than 16 KiB');
  });

  it('names the header wait when headers trickle in slower than allowed', async () => {
    const timers: NodeJS.Timeout[] = [];
    const server = await serveRaw((socket) => {
      socket.write('HTTP/1.1 200 OK\r\n');
      timers.push(setInterval(() => socket.writable && socket.write('X-A: b\r\n'), 20));
    });
    const client = track(server, { timeoutMs: 1000, headersTimeoutMs: 150 });
    const started = performance.now();
    const reading = await client.readInstance('10.0.0.1');
    for (const timer of timers) clearInterval(timer);
    assert.equal(
      reading.ok ? '' : reading.error,
      'timeout after 150ms waiting for response headers',
    );
    assert.ok(performance.now() - started < 600);
  });

  it('names a reset connection and retries it', async () => {
    const server = await serveRaw((socket) => socket.resetAndDestroy());
    const client = track(server, { retries: 2 });
    const reading = await client.readInstance('10.0.0.1');
    assert.equal(reading.ok ? '' : reading.error, 'connection reset (ECONNRESET)');
    assert.equal(reading.attempts, 3);
    assert.equal(server.connections(), 3);
  });

  it('names a connection closed before the answer', async () => {
    const server = await serveRaw((socket) => socket.end());
    const reading = await track(server).readInstance('10.0.0.1');
    assert.equal(
      reading.ok ? '' : reading.error,
      'connection closed before the response was complete',
    );
  });

  it('names a non-HTTP answer', async () => {
    const server = await serveRaw((socket) => socket.end('SSH-2.0-OpenSSH\r\n\r\n'));
    const reading = await track(server).readInstance('10.0.0.1');
    assert.equal(reading.ok ? '' : reading.error, 'invalid HTTP response (malformed status line)');
  });

  it('reads from an HTTP/1.0 provider that closes after every response', async () => {
    const server = await serveRaw((socket, head) => {
      const ip = /^GET \/(\S+) /.exec(head)?.[1] ?? '';
      if (ip === 'servers') http10(socket, JSON.stringify(['10.0.0.1', '10.0.0.2']));
      else http10(socket, statsJson(`svc-${ip}`, '10%', '20%'));
    });
    const client = track(server, { concurrency: 8 });
    assert.deepEqual(await client.listServers(), ['10.0.0.1', '10.0.0.2']);
    const ips = Array.from({ length: 200 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    const readings = await Promise.all(ips.map((ip) => client.readInstance(ip)));
    for (const [i, reading] of readings.entries()) {
      assert.deepEqual(reading, {
        ip: ips[i],
        ok: true,
        stats: { service: `svc-${ips[i]}`, cpu: 10, memory: 20 },
        attempts: 1,
      });
    }
    assert.equal(server.connections(), 201);
  });

  it('rejects with the abort reason as soon as the caller aborts', async () => {
    const server = await serveRaw(() => undefined);
    const client = track(server, { timeoutMs: 5000 });
    const controller = new AbortController();
    const reason = new Error('stopped by user');
    setTimeout(() => controller.abort(reason), 50);
    const started = performance.now();
    await assert.rejects(
      client.readInstance('10.0.0.1', controller.signal),
      (err) => err === reason,
    );
    assert.ok(performance.now() - started < 500);
  });

  it('one abort ends every request in flight under that signal, and only those', async () => {
    const server = await serveRaw(() => undefined);
    const client = track(server, { timeoutMs: 5000 });
    const stopped = new AbortController();
    const other = new AbortController();
    const reason = new Error('stopped by user');
    const aborted = ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((ip) =>
      client.readInstance(ip, stopped.signal),
    );
    let otherSettled = false;
    const untouched = client.readInstance('10.0.0.4', other.signal).finally(() => {
      otherSettled = true;
    });
    setTimeout(() => stopped.abort(reason), 50);
    for (const read of aborted) await assert.rejects(read, (err) => err === reason);
    assert.equal(otherSettled, false);
    other.abort(new Error('done'));
    await assert.rejects(untouched, /done/);
  });

  it('stops waiting in backoff when aborted', async () => {
    const server = await serveHttp((_req, res) => res.writeHead(500).end());
    const client = track(server, {
      retries: 5,
      backoff: { baseMs: 10_000, maxMs: 10_000 },
      random: () => 1,
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 50);
    await assert.rejects(client.readInstance('10.0.0.1', controller.signal), /stop/);
  });

  it('keeps at most `concurrency` requests in flight, and queueing never counts as timeout', async () => {
    let inFlight = 0;
    let peak = 0;
    const server = await serveHttp((_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        res.end(statsJson());
      }, 40);
    });
    // 45 reads, 3 at a time, 40 ms each: the last waits ~560 ms for a slot, beyond the timeout,
    // which leaves each read itself ample slack on a loaded machine.
    const client = track(server, { concurrency: 3, timeoutMs: 500 });
    const readings = await Promise.all(
      Array.from({ length: 45 }, (_, i) => client.readInstance(`10.0.0.${i}`)),
    );
    assert.equal(peak, 3);
    assert.deepEqual(
      readings.filter((reading) => !reading.ok),
      [],
    );
  });

  it('lists through a timeout into provider-unreachable naming --timeout', async () => {
    const server = await serveRaw(() => undefined);
    const client = track(server, { timeoutMs: 100, retries: 1 });
    await assert.rejects(client.listServers(), (err: unknown) => {
      assert.ok(err instanceof FleetmonError);
      assert.equal(err.code, 'provider-unreachable');
      assert.equal(err.message, `cannot reach ${server.url.origin}/servers: timeout after 100ms`);
      assert.match(err.hint ?? '', /--timeout/);
      return true;
    });
  });
});
