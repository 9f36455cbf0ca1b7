import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FleetmonError } from '../../src/core/errors.ts';
import { startMock } from '../../src/mock/server.ts';
import { parseApiAddress } from '../../src/provider/address.ts';
import { createProviderClient } from '../../src/provider/client.ts';
import { scanFleet } from '../../src/scan/scan.ts';
import { freePort, ipv6Available } from '../helpers/net.ts';

describe('reaching the provider', () => {
  it('fails a scan as provider-unreachable when nothing listens', async () => {
    const port = await freePort('127.0.0.1');
    const client = createProviderClient({
      baseUrl: parseApiAddress(`127.0.0.1:${port}`),
      timeoutMs: 300,
      retries: 2,
      concurrency: 4,
      backoff: { baseMs: 5, maxMs: 20 },
    });
    try {
      await assert.rejects(scanFleet(client, { concurrency: 4 }), (err: unknown) => {
        assert.ok(err instanceof FleetmonError);
        assert.equal(err.code, 'provider-unreachable');
        assert.equal(
          err.message,
          `cannot reach http://127.0.0.1:${port}/servers: connection refused (ECONNREFUSED)`,
        );
        assert.match(err.hint ?? '', /FLEETMON_API/);
        return true;
      });
    } finally {
      await client.close();
    }
  });

  it('scans over IPv6 loopback', async (t) => {
    if (!(await ipv6Available())) {
      t.skip('no IPv6 loopback on this host');
      return;
    }
    const mock = await startMock({ host: '::1', model: 'fixed', instances: 50 });
    const client = createProviderClient({
      baseUrl: parseApiAddress(`[::1]:${mock.port}`),
      timeoutMs: 1000,
      retries: 0,
      concurrency: 8,
    });
    try {
      assert.equal(client.url, `http://[::1]:${mock.port}`);
      const snapshot = await scanFleet(client, { concurrency: 8 });
      assert.equal(snapshot.readings.length, 50);
      for (const reading of snapshot.readings) {
        assert.ok(reading.ok);
        assert.deepEqual(reading.stats, mock.fleet.statsAt(reading.ip, 0));
      }
    } finally {
      await client.close();
      await mock.close();
    }
  });

  it('reaches a dual-stack provider bound to :: through its advertised URL', async (t) => {
    if (!(await ipv6Available())) return t.skip('no IPv6 loopback here');
    const mock = await startMock({ host: '::', model: 'fixed', instances: 20 });
    const client = createProviderClient({
      baseUrl: parseApiAddress(mock.url),
      timeoutMs: 1000,
      retries: 0,
      concurrency: 4,
    });
    try {
      const snapshot = await scanFleet(client, { concurrency: 4 });
      assert.ok(snapshot.readings.length === 20 && snapshot.readings.every((r) => r.ok));
    } finally {
      await client.close();
      await mock.close();
    }
  });
});
