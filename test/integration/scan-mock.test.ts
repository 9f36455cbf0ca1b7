import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Reading, Snapshot } from '../../src/core/types.ts';
import { startMock } from '../../src/mock/server.ts';
import { parseApiAddress } from '../../src/provider/address.ts';
import { readOne } from '../../src/provider/client.test-helper.ts';
import { createProviderClient, type ProviderClientOptions } from '../../src/provider/client.ts';
import { scanFleet } from '../../src/scan/scan.ts';

type MockOptions = NonNullable<Parameters<typeof startMock>[0]>;
type Mock = Awaited<ReturnType<typeof startMock>>;

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A mock on an ephemeral loopback port and a real client pointed at it, through `--api` parsing. */
async function setup(mockOptions: MockOptions, clientOptions: Partial<ProviderClientOptions> = {}) {
  const mock = await startMock({ host: '127.0.0.1', model: 'fixed', seed: 7, ...mockOptions });
  const client = createProviderClient({
    baseUrl: parseApiAddress(mock.url),
    timeoutMs: 1000,
    retries: 0,
    concurrency: 16,
    backoff: { baseMs: 1, maxMs: 10 },
    ...clientOptions,
  });
  cleanups.push(async () => {
    await client.close();
    await mock.close();
  });
  return { mock, client };
}

/** Every listed instance has exactly one reading, in listing order. */
function assertAccountedFor(mock: Mock, snapshot: Snapshot): void {
  assert.deepEqual(
    snapshot.readings.map((r) => r.ip),
    [...mock.fleet.ips],
  );
}

/** An ok reading carries exactly what the mock serves for that ip. */
function assertExact(mock: Mock, reading: Reading): void {
  assert.ok(reading.ok, `${reading.ip} failed: ${reading.ok ? '' : reading.error}`);
  assert.deepEqual(reading.stats, mock.fleet.statsAt(reading.ip, 0));
}

const failures = (snapshot: Snapshot) => snapshot.readings.filter((r) => !r.ok);

describe('scan against the simulated provider', () => {
  it('reads exact values from a fixed fleet', async () => {
    const { mock, client } = await setup({ instances: 300 });
    const snapshot = await scanFleet(client, { concurrency: 16 });
    assertAccountedFor(mock, snapshot);
    for (const reading of snapshot.readings) {
      assertExact(mock, reading);
      assert.equal(reading.attempts, 1);
    }
    assert.equal(mock.stats.requests, 301);
    assert.deepEqual(client.lastListWarnings, []);
  });

  it('copes with an HTTP/1.0, single-threaded provider closing after every response', async () => {
    const { mock, client } = await setup({ instances: 200, http10: true, serial: true });
    const snapshot = await scanFleet(client, { concurrency: 32 });
    assertAccountedFor(mock, snapshot);
    for (const reading of snapshot.readings) assertExact(mock, reading);
    assert.equal(mock.stats.maxInFlight, 1);
  });

  it('retries 5xx, and every instance still failing says why', async () => {
    const { mock, client } = await setup({ instances: 300, errorRate: 0.3 }, { retries: 2 });
    const snapshot = await scanFleet(client, { concurrency: 16 });
    assertAccountedFor(mock, snapshot);
    const failed = failures(snapshot);
    // 0.3^3 of 300 ≈ 8 expected; without retries it would be ≈ 90.
    assert.ok(failed.length < 30, `${failed.length} failed`);
    for (const reading of failed) {
      assert.deepEqual(reading, {
        ip: reading.ip,
        ok: false,
        service: null,
        error: 'HTTP 500',
        attempts: 3,
      });
    }
    for (const reading of snapshot.readings) if (reading.ok) assertExact(mock, reading);
    assert.ok(snapshot.readings.some((r) => r.ok && r.attempts > 1));
  });

  it('reports malformed bodies with the reason, without retrying', async () => {
    const { mock, client } = await setup({ instances: 200, malformedRate: 0.3 }, { retries: 2 });
    const snapshot = await scanFleet(client, { concurrency: 16 });
    assertAccountedFor(mock, snapshot);
    const reasons = new Set(failures(snapshot).map((r) => (r.ok ? '' : r.error)));
    assert.deepEqual([...reasons].sort(), [
      'body is empty',
      'body is not JSON',
      'body is not a JSON object',
      'cpu "-5%" is out of range 0-100',
      'cpu "abc%" is not a percentage',
      'memory "150%" is out of range 0-100',
      'missing field "memory"',
      'service must be a non-empty string; cpu null is not a percentage; memory null is not a percentage',
      'service must be a non-empty string; cpu true is not a percentage; memory ["4%"] is not a percentage',
    ]);
    for (const reading of failures(snapshot)) {
      assert.equal(reading.attempts, 1);
      if (!reading.ok && reading.error.startsWith('memory "150%"')) {
        assert.equal(reading.service, 'UserService');
      }
    }
  });

  it('finishes in bounded time when instances hang, naming the timeout', async () => {
    const { mock, client } = await setup(
      { instances: 200, hangRate: 0.2 },
      { timeoutMs: 150, retries: 1 },
    );
    // Hangs run in parallel: a few rounds of 2 × 150 ms fit the deadline with room for a loaded
    // machine, 40 hangs × 2 × 150 ms in turn would not (an instance the deadline cut would read
    // "scan deadline exceeded").
    const snapshot = await scanFleet(client, { concurrency: 64, deadlineMs: 6000 });
    assertAccountedFor(mock, snapshot);
    const failed = failures(snapshot);
    assert.ok(failed.length > 0);
    for (const reading of failed) {
      assert.deepEqual(reading, {
        ip: reading.ip,
        ok: false,
        service: null,
        error: 'timeout after 150ms',
        attempts: 2,
      });
    }
  });

  it('names dropped connections and retries them', async () => {
    const { mock, client } = await setup({ instances: 200, dropRate: 0.3 }, { retries: 1 });
    const snapshot = await scanFleet(client, { concurrency: 16 });
    assertAccountedFor(mock, snapshot);
    const failed = failures(snapshot);
    const reasons = new Set(failed.map((r) => (r.ok ? '' : r.error)));
    assert.ok(failed.length > 0 && failed.every((r) => r.attempts === 2));
    for (const reason of reasons) {
      assert.match(
        reason,
        /^(connection reset \(ECONNRESET\)|connection closed before the response was complete)$/,
      );
    }
  });

  it('marks everything unfinished when the scan deadline passes', async () => {
    const { mock, client } = await setup({ instances: 100, hangRate: 1 }, { timeoutMs: 5000 });
    const snapshot = await scanFleet(client, { concurrency: 16, deadlineMs: 200 });
    assertAccountedFor(mock, snapshot);
    assert.ok(
      snapshot.readings.every((r) => !r.ok && r.error === 'scan deadline exceeded (200ms)'),
    );
  });

  it('reports an instance the provider no longer knows as gone', async () => {
    const { client } = await setup({ instances: 5 });
    const reading = await readOne(client, '192.0.2.1');
    assert.deepEqual(reading, {
      ip: '192.0.2.1',
      ok: false,
      service: null,
      error: 'HTTP 400 (instance gone)',
      attempts: 1,
    });
  });
});
