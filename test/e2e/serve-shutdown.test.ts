import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { type RunningMock, startMock } from '../../src/mock/server.ts';
import { adminQuery, PG_ADMIN_URL } from '../../src/store/backends.test-helper.ts';
import { eventually } from '../helpers/eventually.ts';
import { startServeChild } from '../helpers/serve.ts';
import { type CuttableProxy, startProxy } from '../helpers/tcp-proxy.ts';

// SIGTERM while the PostgreSQL host has stopped answering (a proxy that forwards nothing any
// more, connections left open): serve still ends, with exit 0 and one line saying why it did
// not wait for the store, instead of hanging on a write that will never be answered.

let mock: RunningMock;
let proxy: CuttableProxy;
const name = `fleetmon_e2e_stop_${process.pid}_${Date.now().toString(36)}`;

before(async () => {
  mock = await startMock({ host: '127.0.0.1', instances: 20, seed: 4, model: 'fixed' });
  await adminQuery(`CREATE DATABASE ${name}`);
  proxy = await startProxy(Number(new URL(PG_ADMIN_URL).port));
});

after(async () => {
  await proxy?.close();
  await mock?.close();
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

it('serve ends on SIGTERM even when its PostgreSQL stopped answering mid-write', async () => {
  const url = new URL(PG_ADMIN_URL);
  url.port = String(proxy.port);
  url.pathname = `/${name}`;
  const serve = await startServeChild([
    '--api',
    mock.url,
    '--listen',
    '127.0.0.1:0',
    '--interval',
    '500ms',
    '--store',
    url.href,
  ]);
  try {
    const written = async () => {
      const text = await (await fetch(`${serve.url}metrics`)).text();
      const match = /^fleetmon_store_written_scans_total (\d+)/m.exec(text);
      return Number(match?.[1] ?? 0) >= 2 ? true : undefined;
    };
    await eventually('two scans written', written, { everyMs: 100, tries: 150 });
    proxy.freeze();
    // The next scan's write goes out and is never answered.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    serve.child.kill('SIGTERM');
    const ended = await Promise.race([
      serve.exited,
      new Promise<'still running'>((resolve) => setTimeout(resolve, 20_000, 'still running')),
    ]);
    assert.notEqual(ended, 'still running', serve.stderr());
    assert.deepEqual(ended, { code: 0, signal: null });
    assert.match(
      serve.stderr(),
      /the history store did not answer while shutting down; exiting without it\n/,
    );
  } finally {
    serve.kill();
  }
});
