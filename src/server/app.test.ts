import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../time/fake-clock.test-helper.ts';
import type { Asset } from './static-assets.ts';
import { failed, ok, testApp } from './test-fixtures.test-helper.ts';

const json = async (res: Response) => JSON.parse(await res.text());

describe('createHttpApp: operations endpoints', () => {
  it('/healthz is always 200, /readyz waits for the first scan', async () => {
    const { app, publish } = testApp();
    assert.equal((await app.request('/healthz')).status, 200);
    const before = await app.request('/readyz');
    assert.equal(before.status, 503);
    assert.equal((await json(before)).ready, false);
    publish();
    const after = await app.request('/readyz');
    assert.equal(after.status, 200);
    assert.deepEqual(await json(after), {
      status: 'ready',
      ready: true,
      lastScanAt: '2023-11-14T22:13:20.000Z',
    });
  });

  it('/version and /now report the injected build and clock', async () => {
    const { app } = testApp();
    assert.deepEqual(await json(await app.request('/version')), {
      version: '1.2.3',
      build: '7',
      commit: 'abc123',
    });
    assert.deepEqual(await json(await app.request('/now')), {
      iso: '2023-11-14T22:13:20.500Z',
      epochMs: 1_700_000_000_500,
    });
  });

  it('answers unknown paths with a JSON 404 naming the path', async () => {
    const { app } = testApp();
    const res = await app.request('/api/v1/nope');
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const body = await json(res);
    assert.equal(body.status, 404);
    assert.equal(body.error, 'Not Found');
    assert.match(body.message, /GET \/api\/v1\/nope/);
  });

  it('puts security headers on every answer', async () => {
    const { app } = testApp();
    for (const path of ['/', '/healthz', '/api/v1/services', '/nope']) {
      const res = await app.request(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.match(csp, /script-src 'self'(;|$)/, path);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
    }
  });
});

describe('createHttpApp: JSON API', () => {
  it('is 503 with a JSON message until the first scan', async () => {
    const { app } = testApp();
    for (const path of ['/api/v1/instances', '/api/v1/services', '/api/v1/health']) {
      const res = await app.request(path);
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '2');
      assert.match((await json(res)).message, /no scan has completed yet/);
    }
  });

  it('serves the CLI rows: instances by IP, services and health', async () => {
    const { app, publish } = testApp();
    publish();
    const instances = await json(await app.request('/api/v1/instances'));
    assert.deepEqual(instances, [
      { ip: '10.0.0.2', service: 'A', status: 'healthy', cpu: 30, memory: 40 },
      {
        ip: '10.0.0.3',
        service: 'B',
        status: 'unreachable',
        cpu: null,
        memory: null,
        error: 'HTTP 503',
      },
      { ip: '10.0.0.10', service: 'A', status: 'healthy', cpu: 10, memory: 20 },
      { ip: '10.0.1.1', service: 'B', status: 'unhealthy', cpu: 90, memory: 10 },
    ]);
    assert.deepEqual(await json(await app.request('/api/v1/services')), [
      {
        service: 'A',
        instances: 2,
        healthy: 2,
        unhealthy: 0,
        unreachable: 0,
        cpu: 20,
        memory: 30,
        status: 'ok',
      },
      {
        service: 'B',
        instances: 2,
        healthy: 0,
        unhealthy: 1,
        unreachable: 1,
        cpu: 90,
        memory: 10,
        status: 'flagged',
      },
    ]);
    assert.deepEqual(await json(await app.request('/api/v1/health')), [
      { service: 'A', instances: 2, healthy: 2, required: 2, status: 'ok' },
      { service: 'B', instances: 2, healthy: 0, required: 2, status: 'flagged' },
    ]);
  });

  it('filters and sorts instances like the CLI, and rejects bad parameters with 400', async () => {
    const { app, publish } = testApp();
    publish();
    const ips = async (query: string) =>
      (await json(await app.request(`/api/v1/instances?${query}`))).map(
        (r: { ip: string }) => r.ip,
      );
    assert.deepEqual(await ips('sort=-cpu'), ['10.0.1.1', '10.0.0.2', '10.0.0.10', '10.0.0.3']);
    assert.deepEqual(await ips('service=b'), ['10.0.0.3', '10.0.1.1']);
    assert.deepEqual(await ips('status=healthy,unhealthy&sort=status'), [
      '10.0.1.1',
      '10.0.0.2',
      '10.0.0.10',
    ]);
    for (const query of ['sort=bogus', 'status=sleepy']) {
      const res = await app.request(`/api/v1/instances?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal((await json(res)).status, 400);
    }
  });

  it('answers 304 to a repeated request for the same scan', async () => {
    const { app, publish } = testApp();
    publish();
    const first = await app.request('/api/v1/services');
    const etag = first.headers.get('etag') ?? '';
    assert.ok(etag !== '');
    const again = await app.request('/api/v1/services', { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    publish();
    const changed = await app.request('/api/v1/services', { headers: { 'If-None-Match': etag } });
    assert.equal(changed.status, 200);
  });

  it('serves history per service and per IP, after since, with clear errors', async () => {
    const { app, publish } = testApp({ clock: new FakeClock({ wallStart: 10_000 }) });
    publish([ok('10.0.0.1', 'A', 10, 20)], 1000);
    publish([ok('10.0.0.1', 'A', 30, 40), failed('10.0.0.2', 'timeout after 5s', 'A')], 2000);
    const all = await json(await app.request('/api/v1/history?service=A&members=5'));
    assert.deepEqual(all.ts, [1000, 2000]);
    assert.deepEqual(all.cpu, [10, 30]);
    assert.deepEqual(all.instances, [1, 2]);
    assert.deepEqual(all.unreachable, [0, 1]);
    assert.equal(all.stepMs, null);
    assert.equal(all.tier, 'raw');
    assert.deepEqual(
      all.members.map((m: { ip: string; cpu: number[] }) => [m.ip, m.cpu]),
      [['10.0.0.1', [10, 30]]],
    );
    const since = await json(await app.request('/api/v1/history?service=A&since=1000'));
    assert.deepEqual(since.ts, [2000]);
    assert.equal(since.members, undefined);
    const iso = await json(
      await app.request('/api/v1/history?service=A&since=1970-01-01T00:00:01.500Z'),
    );
    assert.deepEqual(iso.ts, [2000]);
    const stepped = await json(await app.request('/api/v1/history?service=A&from=0&step=1m'));
    assert.deepEqual([stepped.ts, stepped.scans, stepped.samples], [[0], [2], [3]]);
    const ip = await json(await app.request('/api/v1/history?ip=10.0.0.2&events=1'));
    assert.deepEqual([ip.ip, ip.service, ip.unreachable], ['10.0.0.2', 'A', [0, 1]]);
    assert.deepEqual(
      ip.events.map((e: { kind: string; to: string }) => `${e.kind} ${e.to}`),
      ['appeared unreachable'],
    );
    const missing = await app.request('/api/v1/history');
    assert.equal(missing.status, 400);
    assert.match((await json(missing)).message, /service or ip is required.*known services: A/);
    assert.equal((await app.request('/api/v1/history?service=Z')).status, 404);
    assert.equal((await app.request('/api/v1/history?ip=10.9.9.9')).status, 404);
    for (const bad of [
      'service=A&since=yesterday',
      'service=A&ip=10.0.0.1',
      'service=A&from=5000&to=1000',
      'service=A&step=10ms',
      'service=A&from=0&step=1s&to=86400000',
      'service=A&members=51',
    ]) {
      assert.equal((await app.request(`/api/v1/history?${bad}`)).status, 400, bad);
    }
  });

  it('reports scanner status for the dashboard', async () => {
    const { app, publish, state } = testApp();
    state.fail({ at: 5, message: 'cannot list' });
    let status = await json(await app.request('/api/v1/status'));
    assert.equal(status.ready, false);
    assert.deepEqual(status.lastError, { at: 5, message: 'cannot list' });
    publish();
    status = await json(await app.request('/api/v1/status'));
    assert.equal(status.ready, true);
    assert.equal(status.lastError, null);
    assert.equal(status.intervalMs, 15_000);
    assert.deepEqual(status.rules, { maxCpu: 75, maxMemory: 75, minHealthy: 2 });
    assert.equal(status.lastScan.instances, 4);
  });
});

describe('createHttpApp: auth', () => {
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('is open when no credentials are configured', async () => {
    const { app } = testApp();
    assert.equal((await app.request('/version')).status, 200);
  });

  it('requires the bearer token everywhere but the probes, /healthz and /readyz', async () => {
    const { app } = testApp({ auth: { token: 's3cret-token' } });
    assert.equal((await app.request('/healthz')).status, 200);
    assert.notEqual((await app.request('/readyz')).status, 401);
    for (const path of ['/', '/metrics', '/api/v1/services', '/version', '/now']) {
      const res = await app.request(path);
      assert.equal(res.status, 401, path);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.deepEqual(await json(res), {
        status: 401,
        error: 'Unauthorized',
        message: 'credentials required',
      });
    }
    const wrong = await app.request('/version', { headers: { Authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    assert.equal((await json(wrong)).message, 'invalid credentials');
    const right = await app.request('/version', {
      headers: { Authorization: 'Bearer s3cret-token' },
    });
    assert.equal(right.status, 200);
  });

  it('accepts basic auth, and either kind when both are configured', async () => {
    const { app } = testApp({
      auth: { token: 's3cret-token', basic: { user: 'ops', password: 'pa:ss' } },
    });
    const res = await app.request('/version');
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm="fleetmon"/);
    const as = (authorization: string) => app.request('/version', { headers: { authorization } });
    assert.equal((await as(basic('ops', 'pa:ss'))).status, 200);
    assert.equal((await as('Bearer s3cret-token')).status, 200);
    assert.equal((await as(basic('ops', 'wrong'))).status, 401);
    assert.equal((await as(basic('other', 'pa:ss'))).status, 401);
    assert.equal((await as('Basic !!!')).status, 401);
    assert.equal((await as('Digest x')).status, 401);
  });
});

describe('createHttpApp: dashboard files', () => {
  const asset = (body: string, type: string, immutable: boolean): Asset => ({
    body: new TextEncoder().encode(body),
    gzip: undefined,
    type,
    immutable,
    etag: `"${body.length}"`,
  });
  const assets = new Map([
    ['/index.html', asset('<!doctype html><title>x</title>', 'text/html; charset=utf-8', false)],
    ['/assets/app-1234.js', asset('console.log(1)', 'text/javascript; charset=utf-8', true)],
  ]);

  it('serves / as index.html, revalidated, and hashed assets as immutable', async () => {
    const { app } = testApp({ assets });
    const page = await app.request('/');
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.match(await page.text(), /<title>x<\/title>/);
    const script = await app.request('/assets/app-1234.js');
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(script.headers.get('cache-control') ?? '', /immutable/);
    const etag = script.headers.get('etag') ?? '';
    const again = await app.request('/assets/app-1234.js', { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    assert.equal((await app.request('/assets/../../etc/passwd')).status, 404);
  });

  it('says how to build the dashboard when it is missing', async () => {
    const { app } = testApp();
    const res = await app.request('/');
    assert.equal(res.status, 503);
    assert.match(await res.text(), /npm run build/);
  });
});

describe('createHttpApp: history for large services', () => {
  it('limits members to the busiest by cpu and by memory with ?members=N', async () => {
    const { app, publish } = testApp();
    publish([
      ok('10.0.0.1', 'A', 90, 1),
      ok('10.0.0.2', 'A', 10, 2),
      ok('10.0.0.3', 'A', 50, 95),
      ok('10.0.0.4', 'A', 20, 3),
    ]);
    const body = await json(
      await app.request('/api/v1/history?service=A&members=1&from=1699999000000'),
    );
    assert.deepEqual(
      body.members.map((m: { ip: string }) => m.ip),
      ['10.0.0.1', '10.0.0.3'],
    );
    assert.equal((await app.request('/api/v1/history?service=A&members=0')).status, 400);
  });
});

describe('createHttpApp: methods', () => {
  it('answers other methods than GET and HEAD with a JSON 405', async () => {
    const { app, publish } = testApp();
    publish();
    const res = await app.request('/api/v1/services', { method: 'POST', body: '{}' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
    assert.equal((await json(res)).status, 405);
    assert.equal((await app.request('/healthz', { method: 'HEAD' })).status, 200);
  });
});
