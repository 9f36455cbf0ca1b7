import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FleetmonError } from '../core/errors.ts';
import type { Reading } from '../core/types.ts';
import type { ProviderClient } from '../provider/client.ts';
import { readEach } from '../provider/read-each.ts';
import { FakeClock } from '../time/fake-clock.test-helper.ts';
import { type ScanProgress, scanFleet, scanInstances } from './scan.ts';

interface FakeOptions {
  ips?: string[];
  delayMs?: (ip: string) => number;
  fail?: (ip: string) => string | null;
  listDelayMs?: number;
}

/**
 * A stand-in for the provider client behind its interface: no network, answers that take
 * `delayMs` on the fake clock, and the real fan-out (read-each.ts) with `concurrency` readers.
 */
function fakeClient(clock: FakeClock, options: FakeOptions = {}) {
  let inFlight = 0;
  const seen = { peak: 0, calls: 0 };
  const read = async (ip: string, signal: AbortSignal | undefined): Promise<Reading> => {
    seen.calls++;
    inFlight++;
    seen.peak = Math.max(seen.peak, inFlight);
    try {
      await clock.sleep(options.delayMs?.(ip) ?? 0, signal);
    } finally {
      inFlight--;
    }
    const error = options.fail?.(ip) ?? null;
    if (error !== null) return { ip, ok: false, service: null, error, attempts: 1 };
    return { ip, ok: true, stats: { service: 'S', cpu: 1, memory: 2 }, attempts: 1 };
  };
  const client: ProviderClient = {
    url: 'http://fake',
    lastListWarnings: [],
    async listServers(signal) {
      await clock.sleep(options.listDelayMs ?? 0, signal);
      return options.ips ?? [];
    },
    readInstances: (ips, { concurrency, signal, onReading }) =>
      readEach(ips, { readers: () => concurrency, signal, read, onReading }),
    async close() {},
  };
  return { client, seen };
}

/** Runs `scan` while moving the fake clock on by `ms` in all. */
async function within<T>(clock: FakeClock, ms: number, scan: Promise<T>): Promise<T> {
  await clock.advance(ms);
  return scan;
}

const ipsOf = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}`);

describe('scanInstances', () => {
  it('returns one reading per ip in input order, with bounded concurrency', async () => {
    const clock = new FakeClock();
    const ips = ipsOf(100);
    const { client, seen } = fakeClient(clock, {
      delayMs: (ip) => (Number(ip.split('.')[3]) % 7) * 2,
      fail: (ip) => (ip.endsWith('.13') ? 'HTTP 500' : null),
    });
    const snapshot = await within(
      clock,
      1000,
      scanInstances(client, ips, { concurrency: 8, clock }),
    );
    assert.deepEqual(
      snapshot.readings.map((r) => r.ip),
      ips,
    );
    assert.equal(seen.peak, 8);
    assert.equal(snapshot.readings.filter((r) => !r.ok).length, 1);
  });

  it('keeps duplicates and copes with an empty list', async () => {
    const clock = new FakeClock();
    const { client } = fakeClient(clock);
    const snapshot = await scanInstances(client, ['10.0.0.1', '10.0.0.1'], {
      concurrency: 4,
      clock,
    });
    assert.equal(snapshot.readings.length, 2);
    const empty = await scanInstances(client, [], { concurrency: 4, clock });
    assert.deepEqual(empty.readings, []);
  });

  it('stamps its start in wall time and its duration on the clock', async () => {
    const clock = new FakeClock({ wallStart: Date.UTC(2026, 5, 1) });
    const { client } = fakeClient(clock, { delayMs: () => 30 });
    const snapshot = await within(
      clock,
      90,
      scanInstances(client, ipsOf(3), { concurrency: 1, clock }),
    );
    assert.equal(snapshot.startedAt, Date.UTC(2026, 5, 1));
    assert.equal(snapshot.durationMs, 90);
  });

  it('reports progress at most every 100 ms, and once at the end', async () => {
    const clock = new FakeClock();
    const reports: Array<ScanProgress & { at: number }> = [];
    const { client } = fakeClient(clock, {
      delayMs: () => 40,
      fail: (ip) => (ip.endsWith('.1') ? 'x' : null),
    });
    const scan = scanInstances(client, ipsOf(10), {
      concurrency: 1,
      clock,
      onProgress: (p) => reports.push({ ...p, at: clock.now() }),
    });
    await within(clock, 400, scan);
    // One reading per 40 ms: a report at 120, 240 and 360 ms, then the final one at 400.
    assert.deepEqual(reports, [
      { done: 3, total: 10, failed: 1, at: 120 },
      { done: 6, total: 10, failed: 1, at: 240 },
      { done: 9, total: 10, failed: 1, at: 360 },
      { done: 10, total: 10, failed: 1, at: 400 },
    ]);
  });

  it('marks every unfinished instance when the deadline passes, and returns at once', async () => {
    const clock = new FakeClock();
    const { client } = fakeClient(clock, { delayMs: (ip) => (ip.endsWith('.0') ? 0 : 10_000) });
    const reports: ScanProgress[] = [];
    let returned = false;
    const scan = scanInstances(client, ipsOf(20), {
      concurrency: 4,
      deadlineMs: 100,
      clock,
      onProgress: (p) => reports.push(p),
    }).finally(() => {
      returned = true;
    });
    await clock.advance(99);
    assert.equal(returned, false);
    await clock.advance(1);
    assert.equal(returned, true);
    const snapshot = await scan;
    assert.equal(snapshot.readings.length, 20);
    assert.equal(snapshot.readings[0]?.ok, true);
    for (const reading of snapshot.readings.slice(1)) {
      assert.deepEqual(reading, {
        ip: reading.ip,
        ok: false,
        service: null,
        error: 'scan deadline exceeded (100ms)',
        attempts: 0,
      });
    }
    assert.deepEqual(reports.at(-1), { done: 20, total: 20, failed: 19 });
  });

  it('rejects with the abort reason as soon as the caller aborts', async () => {
    const clock = new FakeClock();
    const { client } = fakeClient(clock, { delayMs: () => 10_000 });
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const scan = scanInstances(client, ipsOf(50), {
      concurrency: 5,
      signal: controller.signal,
      clock,
    });
    const rejected = assert.rejects(scan, (err) => err === reason);
    await clock.advance(30);
    controller.abort(reason);
    await rejected;
  });

  it('rejects at once when already aborted', async () => {
    const clock = new FakeClock();
    const { client, seen } = fakeClient(clock);
    const signal = AbortSignal.abort(new Error('before'));
    await assert.rejects(
      scanInstances(client, ipsOf(5), { concurrency: 2, signal, clock }),
      /before/,
    );
    assert.equal(seen.calls, 0);
  });

  it('rejects a concurrency below 1 as a usage error', async () => {
    const clock = new FakeClock();
    const { client } = fakeClient(clock);
    await assert.rejects(
      scanInstances(client, ipsOf(1), { concurrency: 0, clock }),
      (err: unknown) => err instanceof FleetmonError && err.code === 'usage',
    );
  });
});

describe('scanFleet', () => {
  it('lists then scans, in listing order', async () => {
    const clock = new FakeClock();
    const { client } = fakeClient(clock, { ips: ['10.0.0.3', '10.0.0.1'] });
    const snapshot = await scanFleet(client, { concurrency: 2, clock });
    assert.deepEqual(
      snapshot.readings.map((r) => r.ip),
      ['10.0.0.3', '10.0.0.1'],
    );
  });

  it('counts listing time against the deadline', async () => {
    const clock = new FakeClock();
    const { client } = fakeClient(clock, { ips: ipsOf(3), listDelayMs: 60, delayMs: () => 80 });
    const scan = scanFleet(client, { concurrency: 3, deadlineMs: 100, clock });
    const snapshot = await within(clock, 100, scan);
    assert.ok(
      snapshot.readings.every((r) => !r.ok && r.error === 'scan deadline exceeded (100ms)'),
    );
  });

  it('fails as provider-unreachable when listing outlasts the deadline', async () => {
    const clock = new FakeClock();
    const { client } = fakeClient(clock, { ips: ipsOf(3), listDelayMs: 10_000 });
    const scan = scanFleet(client, { concurrency: 3, deadlineMs: 50, clock });
    const failed = assert.rejects(scan, (err: unknown) => {
      assert.ok(err instanceof FleetmonError);
      assert.equal(err.code, 'provider-unreachable');
      assert.equal(err.message, 'cannot list http://fake/servers within the scan deadline (50ms)');
      return true;
    });
    await clock.advance(50);
    await failed;
    assert.deepEqual(clock.pending(), [], 'no timer left behind');
  });

  it('passes caller aborts during listing through unchanged', async () => {
    const clock = new FakeClock();
    const { client } = fakeClient(clock, { listDelayMs: 10_000 });
    const reason = new Error('ctrl-c');
    await assert.rejects(
      scanFleet(client, {
        concurrency: 1,
        deadlineMs: 5000,
        signal: AbortSignal.abort(reason),
        clock,
      }),
      (err) => err === reason,
    );
  });
});
