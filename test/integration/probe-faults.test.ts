import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { jsonExpectation } from '../../src/config/probe-fields.ts';
import type { ProbeResult } from '../../src/core/probe-types.ts';
import { testSpec } from '../../src/probe/probe-spec.test-helper.ts';
import type { ProbeSpec } from '../../src/probe/probe-spec.ts';
import { type ProbeRunDeps, runProbe } from '../../src/probe/run-probe.ts';
import { type Loopback, serveHttp, serveRaw } from '../../src/provider/loopback.test-helper.ts';
import { FakeClock } from '../../src/time/fake-clock.test-helper.ts';
import { freePort } from '../helpers/net.ts';

// The real probe against loopback servers that misbehave: every fault is a verdict with a
// reason, and no run outlives its timeout. Time is a fake clock's (the probe's timers and its
// readings alike): a fault that ends by itself ends while that clock stands still, and a
// timeout happens when the test moves the clock past it.

/** The probe's edges on `clock`: its readings are the fake wall time, its waits are skipped. */
function depsOn(clock: FakeClock): ProbeRunDeps {
  return {
    wallClock: { now: () => clock.wallNow(), resolutionMs: 0 },
    clock,
    userAgent: 'fleetmon-test',
  };
}

const spec = testSpec;

const servers: Loopback[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
async function keep(server: Promise<Loopback>): Promise<Loopback> {
  const s = await server;
  servers.push(s);
  return s;
}

/**
 * Runs a probe whose fault ends it by itself: it ends while the clock stands still (it never
 * waited for its timeout) and leaves no timer behind. `clock` is the one the servers move.
 */
async function probe(
  s: ProbeSpec,
  clock = new FakeClock({ sleeps: 'skip' }),
): Promise<ProbeResult> {
  const start = clock.now();
  const result = await runProbe(s, depsOn(clock));
  assert.deepEqual(clock.pending(), [], 'a timer outlived the run');
  assert.ok(clock.now() - start < s.timeoutMs, 'the run waited for its timeout');
  return result;
}

/** Resolves with the server's socket once a request has arrived at it. */
function arrival(): { seen: Promise<Socket>; onRequest: (socket: Socket) => void } {
  const { promise, resolve } = Promise.withResolvers<Socket>();
  return { seen: promise, onRequest: resolve };
}

function expectFailure(
  result: ProbeResult,
  verdict: string,
  failure: string,
  reason: RegExp,
): void {
  assert.equal(result.verdict, verdict, JSON.stringify(result));
  assert.equal(result.ok, false);
  assert.equal(result.failure, failure, JSON.stringify(result));
  assert.match(result.reason ?? '', reason);
}

describe('probe faults at the network level', () => {
  it('DNS failure', async () => {
    const lookup: LookupFunction = (hostname, _options, callback) =>
      callback(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
        '',
        4,
      );
    const result = await runProbe(spec('http://nowhere.invalid/health'), {
      ...depsOn(new FakeClock()),
      lookup,
    });
    expectFailure(
      result,
      'down',
      'dns',
      /^cannot resolve nowhere\.invalid: no such host \(ENOTFOUND\)$/,
    );
    assert.equal(result.status, null);
  });

  it('refused connection', async () => {
    const port = await freePort();
    const result = await probe(spec(`http://127.0.0.1:${port}/`));
    expectFailure(result, 'down', 'connect', /connection refused \(ECONNREFUSED\)/);
  });

  it('TLS: an untrusted certificate fails, --insecure accepts it, plain HTTP on https fails', async () => {
    const tls = createHttpsServer(
      {
        cert: readFileSync(new URL('../fixtures/tls/localhost-cert.pem', import.meta.url)),
        key: readFileSync(new URL('../fixtures/tls/localhost-key.pem', import.meta.url)),
      },
      (_req, res) => res.end('ok'),
    );
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const { port } = tls.address() as { port: number };
    try {
      expectFailure(
        await probe(spec(`https://127.0.0.1:${port}/`)),
        'down',
        'tls',
        /^TLS with 127\.0\.0\.1:\d+ failed: .*self-signed.*\(DEPTH_ZERO_SELF_SIGNED_CERT\)$/,
      );
      const insecure = await probe(spec(`https://127.0.0.1:${port}/`, { insecure: true }));
      assert.equal(insecure.verdict, 'ok', JSON.stringify(insecure));
    } finally {
      tls.closeAllConnections();
      tls.close();
    }
    const plain = await keep(serveHttp((_req, res) => res.end('ok')));
    expectFailure(await probe(spec(`https://127.0.0.1:${plain.port}/`)), 'down', 'tls', /TLS with/);
  });

  it('timeout: a server that never answers', async () => {
    const request = arrival();
    const silent = await keep(serveRaw(request.onRequest));
    const clock = new FakeClock();
    const run = runProbe(spec(silent.url.href, { timeoutMs: 400 }), depsOn(clock));
    await request.seen;
    const [due, ...more] = clock.pending();
    assert.ok(due !== undefined && due > 0 && due <= 400 && more.length === 0, `${due}`);
    await clock.advance(400);
    const result = await run;
    expectFailure(result, 'down', 'timeout', /^no answer within 400ms$/);
    assert.equal(result.status, null);
    assert.deepEqual(clock.pending(), []);
  });

  it('a slow trickle is cut at the timeout, with the status it had sent', async () => {
    const request = arrival();
    const trickle = await keep(serveRaw(request.onRequest));
    const clock = new FakeClock();
    const run = runProbe(spec(trickle.url.href, { timeoutMs: 500 }), depsOn(clock));
    const socket = await request.seen;
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nx');
    // A byte every 250 ms of the probe's clock: progress does not put the timeout off.
    await clock.advance(250);
    socket.write('x');
    await clock.advance(250);
    const result = await run;
    expectFailure(
      result,
      'down',
      'timeout',
      /^answer 200 not complete within 500ms \(2 bytes of body so far\)$/,
    );
    assert.equal(result.status, 200);
  });

  it('a huge body, declared or streamed', async () => {
    const declared = await keep(
      serveRaw((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 50000000\r\n\r\nxxxx')),
    );
    expectFailure(
      await probe(spec(declared.url.href, { maxBodyBytes: 65_536 })),
      'down',
      'too_large',
      /^body of 50000000 bytes is larger than 64 KiB$/,
    );
    const streamed = await keep(
      serveHttp((_req, res) => {
        const chunk = Buffer.alloc(64 * 1024, 'x');
        let sent = 0;
        const more = () => {
          while (sent < 800 && res.write(chunk)) sent++;
          if (sent < 800 && !res.destroyed) res.once('drain', more);
          else res.end();
        };
        more();
      }),
    );
    expectFailure(
      await probe(spec(streamed.url.href)),
      'down',
      'too_large',
      /^body larger than 1 MiB$/,
    );
  });

  it('a reset before the answer, and an answer that is not HTTP', async () => {
    const reset = await keep(serveRaw((socket) => socket.resetAndDestroy()));
    expectFailure(await probe(spec(reset.url.href)), 'down', 'connect', /ECONNRESET/);
    const garbage = await keep(serveRaw((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n\r\n')));
    expectFailure(
      await probe(spec(garbage.url.href)),
      'down',
      'protocol',
      /did not answer valid HTTP/,
    );
  });
});

describe('probe faults in the answer', () => {
  it('redirects: followed, looped, too many, and credentials kept to their origin', async () => {
    let authAtTarget: string | undefined = 'unset';
    const target = await keep(
      serveHttp((req, res) => {
        authAtTarget = req.headers.authorization;
        res.end('ok');
      }),
    );
    const hops = await keep(
      serveHttp((req, res) => {
        const to: Record<string, string> = {
          '/old': '/new',
          '/a': '/b',
          '/b': '/a',
          '/away': `${target.url.href}landed`,
        };
        const chain = /^\/chain(\d+)$/.exec(req.url ?? '');
        const location = chain ? `/chain${Number(chain[1]) + 1}` : to[req.url ?? ''];
        if (location === undefined) return res.end('here');
        res.writeHead(req.url === '/old' ? 301 : 302, { Location: location }).end();
      }),
    );
    const followed = await probe(spec(`${hops.url.href}old`));
    assert.equal(followed.verdict, 'ok');
    assert.equal(followed.requests, 2);
    expectFailure(
      await probe(spec(`${hops.url.href}a`)),
      'down',
      'redirect',
      /^redirect loop: .*\/a again after 2 redirects$/,
    );
    expectFailure(
      await probe(spec(`${hops.url.href}chain0`, { maxRedirects: 3 })),
      'down',
      'redirect',
      /^more than 3 redirects \(the last to .*\/chain4\)$/,
    );
    const notFollowed = await probe(
      spec(`${hops.url.href}old`, {
        maxRedirects: 0,
        expectStatus: { text: '301', ranges: [[301, 301]] },
      }),
    );
    assert.equal(notFollowed.verdict, 'ok');
    const away = await probe(
      spec(`${hops.url.href}away`, { headers: { Authorization: 'Bearer secret' } }),
    );
    assert.equal(away.verdict, 'ok');
    assert.equal(authAtTarget, undefined, 'Authorization is not sent to another origin');
  });

  it('status, body and latency that are not what was expected', async () => {
    const slowClock = new FakeClock({ sleeps: 'skip' });
    const server = await keep(
      serveHttp((req, res) => {
        if (req.url === '/missing') return res.writeHead(404).end('no');
        if (req.url === '/slow') {
          // Takes 150 ms of the probe's clock to answer.
          return void slowClock.advance(150).then(() => res.end('{"status":"ok"}'));
        }
        res.setHeader('Content-Type', 'application/json');
        res.end('{"status":"degraded"}');
      }),
    );
    expectFailure(
      await probe(spec(`${server.url.href}missing`)),
      'down',
      'status',
      /^status 404, expected 2xx$/,
    );
    const body = jsonExpectation('$.status=ok');
    assert.ok(body.ok);
    expectFailure(
      await probe(spec(server.url.href, { expectBody: body.ok ? body.value : undefined })),
      'down',
      'body',
      /^\$\.status is "degraded", expected "ok"$/,
    );
    expectFailure(
      await probe(spec(`${server.url.href}slow`, { maxLatencyMs: 50 }), slowClock),
      'down',
      'latency',
      /^answered in 150 ms, more than the 50ms allowed$/,
    );
  });

  it('clock faults: no Date, a Date that does not parse, garbage in the body, answers from a cache', async () => {
    const clockSpec = { maxSkewMs: 1000, source: 'auto' as const, requests: 3 };
    const noDate = await keep(
      serveRaw((socket) =>
        socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'),
      ),
    );
    expectFailure(
      await probe(spec(noDate.url.href, { clock: clockSpec })),
      'unknown',
      'no_date',
      /^the answer has no Date header$/,
    );
    const badDate = await keep(
      serveHttp((_req, res) => res.writeHead(200, { Date: 'tomorrow at noon' }).end('ok')),
    );
    expectFailure(
      await probe(spec(badDate.url.href, { clock: clockSpec })),
      'unknown',
      'bad_date',
      /^Date header "tomorrow at noon" is not an HTTP date$/,
    );
    const garbage = await keep(
      serveHttp((_req, res) =>
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"epochMs":"NaN-ish"}'),
      ),
    );
    const bad = await probe(spec(garbage.url.href, { clock: clockSpec }));
    expectFailure(bad, 'unknown', 'bad_timestamp', /^body \$\.epochMs: "NaN-ish" is not a time$/);
    assert.equal(bad.status, 200, 'the endpoint answered');
    const cached = await keep(
      serveHttp((_req, res) =>
        res.writeHead(200, { Age: '42' }).end('{"now":"2026-01-01T00:00:00.000Z"}'),
      ),
    );
    expectFailure(
      await probe(spec(cached.url.href, { clock: clockSpec })),
      'unknown',
      'cached',
      /Age: 42/,
    );
  });

  it('stops at once when aborted, without waiting for its timeout', async () => {
    const request = arrival();
    const silent = await keep(serveRaw(request.onRequest));
    const clock = new FakeClock();
    const controller = new AbortController();
    const run = runProbe(
      spec(silent.url.href, { timeoutMs: 10_000 }),
      depsOn(clock),
      controller.signal,
    );
    await request.seen;
    controller.abort();
    const result = await run;
    assert.equal(result.verdict, 'down');
    assert.equal(clock.now(), 0, 'no time passed');
    assert.deepEqual(clock.pending(), [], 'its timer was released');
  });
});
