import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startMock } from '../../src/mock/server.ts';
import { parseApiAddress } from '../../src/provider/address.ts';
import { createProviderClient, type ProviderClientOptions } from '../../src/provider/client.ts';
import { scanFleet } from '../../src/scan/scan.ts';

type MockOptions = NonNullable<Parameters<typeof startMock>[0]>;

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function setup(mockOptions: MockOptions, clientOptions: Partial<ProviderClientOptions>) {
  const mock = await startMock({ host: '127.0.0.1', model: 'fixed', seed: 3, ...mockOptions });
  const client = createProviderClient({
    baseUrl: parseApiAddress(mock.url),
    timeoutMs: 5000,
    retries: 2,
    concurrency: 64,
    ...clientOptions,
  });
  cleanups.push(async () => {
    await client.close();
    await mock.close();
  });
  return { mock, client };
}

describe('adaptive concurrency and rate cap against the simulated provider', () => {
  it('scans a single-threaded HTTP/1.0 provider with a listen backlog of 5 at --concurrency 64 without collapse', async () => {
    // At a fixed 64 in flight, connects beyond the backlog are dropped and each costs a 1 s SYN
    // retransmit. The adaptive window and the connector's early connect retry avoid that.
    const { mock, client } = await setup(
      { instances: 150, http10: true, serial: true, backlog: 5 },
      {},
    );
    const snapshot = await scanFleet(client, { concurrency: 64 });
    assert.equal(snapshot.readings.length, 150);
    assert.deepEqual(
      snapshot.readings.filter((r) => !r.ok),
      [],
    );
    assert.equal(mock.stats.maxInFlight, 1);
    assert.ok(
      snapshot.durationMs < 1000,
      `took ${snapshot.durationMs} ms: a connect waited for the kernel's 1 s SYN retransmit`,
    );
    // What `--stats` reports: a request and a connection per instance plus the list, none retried.
    const traffic = client.traffic;
    assert.ok(traffic !== undefined);
    assert.equal(traffic.requests, 151);
    assert.equal(traffic.retries, 0);
    assert.equal(traffic.connections, 151);
    assert.equal(traffic.latency?.count, 150);
    assert.equal(traffic.window.max, 64);
    assert.ok(traffic.window.limit <= 64);
    // No connection is kept: no scan worker waits to send a request behind an answer.
    assert.equal(client.spareReaders, 0);
  });

  it('never sends more than --rate requests per second, on average', async () => {
    const { mock, client } = await setup({ instances: 40 }, { ratePerSecond: 100 });
    const started = performance.now();
    const snapshot = await scanFleet(client, { concurrency: 64 });
    const took = performance.now() - started;
    assert.equal(snapshot.readings.filter((r) => r.ok).length, 40);
    // 41 requests (list + 40) at 100/s after a burst of 5: at least 360 ms.
    assert.ok(took >= 340, `41 requests in ${took.toFixed(0)} ms breaks a cap of 100/s`);
    assert.equal(mock.stats.requests, 41);
  });
});
