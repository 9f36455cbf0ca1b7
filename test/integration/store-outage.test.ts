import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openAlerting } from '../../src/alert/open.ts';
import { configOf } from '../../src/alert/test-fixtures.test-helper.ts';
import { type RunningMock, startMock } from '../../src/mock/server.ts';
import { parseApiAddress } from '../../src/provider/address.ts';
import { createProviderClient, type ProviderClient } from '../../src/provider/client.ts';
import { scanFleet } from '../../src/scan/scan.ts';
import { type RunningServer, startServer } from '../../src/server/server.ts';
import { createTestDatabase, type TestDatabase } from '../../src/store/backends.test-helper.ts';
import { openStore } from '../../src/store/open-store.ts';
import { DEFAULT_RETENTION } from '../../src/store/retention.ts';
import type { Store } from '../../src/store/store.ts';
import { parsePrometheusText } from '../helpers/prom-text.ts';
import { type CuttableProxy, startProxy } from '../helpers/tcp-proxy.ts';

// serve against a PostgreSQL that goes away and comes back (a proxy between them is cut and
// restored): live data goes on, the store is reported down, scans wait, and every one is
// written when it returns, once.

let mock: RunningMock;
let client: ProviderClient;
let db: TestDatabase;
let proxy: CuttableProxy;

before(async () => {
  mock = await startMock({ host: '127.0.0.1', instances: 20, seed: 4, model: 'fixed' });
  client = createProviderClient({
    baseUrl: parseApiAddress(mock.url),
    timeoutMs: 2000,
    retries: 0,
    concurrency: 8,
  });
  db = await createTestDatabase('postgres');
  const port = new URL(db.location.kind === 'postgres' ? db.location.url : '').port;
  proxy = await startProxy(Number(port));
});

after(async () => {
  await client.close();
  await mock.close();
  await proxy.close();
  await db.drop();
});

async function serveThrough(): Promise<{
  server: RunningServer;
  store: Store;
  published: number[];
  logs: string[];
}> {
  if (db.location.kind !== 'postgres') throw new Error('postgres only');
  const url = new URL(db.location.url);
  url.port = String(proxy.port);
  const store = await openStore(
    { kind: 'postgres', url: url.href, display: url.href },
    { mode: 'write', retention: DEFAULT_RETENTION },
  );
  const logs: string[] = [];
  const server = await startServer({
    scan: (signal) => scanFleet(client, { concurrency: 8, deadlineMs: 5000, signal }),
    provider: client.url,
    rules: { maxCpu: 75, maxMemory: 75, minHealthy: 2 },
    intervalMs: 200,
    store,
    listen: { host: '127.0.0.1', port: 0, loopback: true },
    auth: {},
    webRoot: undefined,
    log: (line) => logs.push(line),
    alerts: (url) =>
      openAlerting({
        config: configOf({ receivers: [{ name: 'log', log: {} }] }),
        url,
        intervalMs: 200,
        log: (line) => logs.push(line),
        store: store.alerts,
        role: store.notifier,
      }),
  });
  const published: number[] = [];
  server.state.subscribe((event) => {
    if (event.type === 'scan') published.push(event.view.scannedAt);
  });
  return { server, store, published, logs };
}

async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 15_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function storedScans(): Promise<number[]> {
  const store = await db.open({ mode: 'read' });
  try {
    const info = await store.info();
    if (info.scans.rows === 0) return [];
    const series = await store.history.series({
      target: { kind: 'service', service: (await store.history.services())[0] ?? '' },
      from: 0,
      to: Date.now() + 1,
      stepMs: null,
    });
    return series?.ts ?? [];
  } finally {
    await store.close();
  }
}

describe('serve while its PostgreSQL goes away and comes back', { timeout: 90_000 }, () => {
  it('starts without the database, then migrates and writes every waiting scan once', async () => {
    proxy.cut();
    const { server, store, published, logs } = await serveThrough();
    try {
      await until(
        () => published.length >= 3 && !server.storeHealth().up,
        'scans with the store down',
      );
      assert.equal(server.storeHealth().pending >= 2, true);
      assert.ok(
        logs.some((l) => /unreachable.*live data goes on/.test(l)),
        logs.join('\n'),
      );
      proxy.restore();
      await until(
        () => server.storeHealth().up && server.storeHealth().pending === 0,
        'the backlog written',
      );
    } finally {
      await server.stop();
      await store.close();
    }
    assert.ok(
      logs.some((l) => /history store back after/.test(l)),
      logs.join('\n'),
    );
    const stored = await storedScans();
    assert.deepEqual(stored, published, 'every scan served was stored, once and in order');
  });

  it('reports the store down (readyz, metrics, API) while it serves live data, and loses nothing', async () => {
    const { server, store, published } = await serveThrough();
    try {
      await until(() => server.storeHealth().written >= 2, 'first writes');
      proxy.cut();
      const cutAt = published.length;
      await until(
        () => published.length >= cutAt + 3 && !server.storeHealth().up,
        'scans during the outage',
      );
      const ready = await fetch(`${server.url}readyz`);
      assert.equal(ready.status, 200, 'still ready: live data goes on');
      const body = (await ready.json()) as {
        store: { up: boolean; pending: number; error: string };
      };
      assert.equal(body.store.up, false);
      assert.ok(body.store.pending >= 1);
      assert.match(body.store.error, /unreachable/);
      // A scrape does not touch the store, alerting's series included.
      const scrape = await fetch(`${server.url}metrics`);
      assert.equal(scrape.status, 200);
      const metrics = parsePrometheusText(await scrape.text());
      const up = metrics.get('fleetmon_store_up')?.samples[0];
      assert.deepEqual([up?.labels.backend, up?.value], ['postgres', 0]);
      assert.ok(metrics.has('fleetmon_notifications_queued'));
      const services = (await (await fetch(`${server.url}api/v1/services`)).json()) as unknown[];
      assert.ok(services.length > 0, 'live data answers');
      const history = await fetch(`${server.url}api/v1/history?service=x`);
      assert.equal(history.status, 503);
      const status = (await (await fetch(`${server.url}api/v1/status`)).json()) as {
        store: { up: boolean };
      };
      assert.equal(status.store.up, false);
      proxy.restore();
      await until(
        () => server.storeHealth().up && server.storeHealth().pending === 0,
        'the backlog written',
      );
    } finally {
      await server.stop();
      await store.close();
    }
    const stored = await storedScans();
    for (const ts of published) assert.ok(stored.includes(ts), `scan ${ts} stored`);
    assert.equal(new Set(stored).size, stored.length, 'none twice');
  });
});
