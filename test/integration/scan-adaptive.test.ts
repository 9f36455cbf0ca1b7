import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startMock } from '../../src/mock/server.ts';
import { parseApiAddress } from '../../src/provider/address.ts';
import { createProviderClient, type ProviderClientOptions } from '../../src/provider/client.ts';
import { scanFleet } from '../../src/scan/scan.ts';
import { FakeClock, until } from '../../src/time/fake-clock.test-helper.ts';

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
    // A connect that waited for the kernel's 1 s SYN retransmit would miss the deadline, and
    // its instance would read "scan deadline exceeded".
    const snapshot = await scanFleet(client, { concurrency: 64, deadlineMs: 1000 });
    assert.equal(snapshot.readings.length, 150);
    assert.deepEqual(
      snapshot.readings.filter((r) => !r.ok),
      [],
    );
    assert.equal(mock.stats.maxInFlight, 1);
    // What `--stats` reports: a request and a connection per instance plus the list, none retried.
    const traffic = client.traffic;
    assert.ok(traffic !== undefined);
    assert.equal(traffic.requests, 151);
    assert.equal(traffic.retries, 0);
    assert.equal(traffic.connections, 151);
    assert.equal(traffic.latency?.count, 150);
    assert.equal(traffic.window.max, 64);
    assert.ok(traffic.window.limit <= 64);
    // No connection is kept, so nothing is sent behind an answer.
    assert.equal(traffic.pipelined, 0);
  });

  it('never sends more than --rate requests per second: a burst of 50 ms worth, then one per token', async () => {
    const clock = new FakeClock();
    const { mock, client } = await setup({ instances: 40 }, { ratePerSecond: 100, clock });
    const scan = scanFleet(client, { concurrency: 64, clock });
    // 41 requests (the list and 40 instances) at 100/s: 5 at once, then one every 10 ms. The
    // fake clock stands still between steps, so no token can be earned early.
    for (let at = 0; at <= 360; at += 10) {
      const allowed = 5 + at / 10;
      await until(() => mock.stats.requests >= allowed, `${allowed} requests at ${at} ms`);
      assert.equal(mock.stats.requests, allowed, `at ${at} ms`);
      await clock.advance(10);
    }
    const snapshot = await scan;
    assert.equal(snapshot.readings.filter((r) => r.ok).length, 40);
    assert.equal(mock.stats.requests, 41);
  });
});
