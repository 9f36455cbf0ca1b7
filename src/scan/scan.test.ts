import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FleetmonError } from '../core/errors.ts';
import type { Reading } from '../core/types.ts';
import type { ProviderClient } from '../provider/client.ts';
import { type ScanProgress, scanFleet, scanInstances } from './scan.ts';

/** Resolves after `ms`, or rejects with the signal's reason like the real client. */
function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    if (ms <= 0) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface FakeOptions {
  ips?: string[];
  delayMs?: (ip: string) => number;
  fail?: (ip: string) => string | null;
  listDelayMs?: number;
}

/** A stand-in for the provider client behind its interface: no network, controllable timing. */
function fakeClient(options: FakeOptions = {}) {
  let inFlight = 0;
  const seen = { peak: 0, calls: 0 };
  const client: ProviderClient = {
    url: 'http://fake',
    lastListWarnings: [],
    async listServers(signal) {
      await wait(options.listDelayMs ?? 0, signal);
      return options.ips ?? [];
    },
    async readInstance(ip, signal): Promise<Reading> {
      seen.calls++;
      inFlight++;
      seen.peak = Math.max(seen.peak, inFlight);
      try {
        await wait(options.delayMs?.(ip) ?? 0, signal);
      } finally {
        inFlight--;
      }
      const error = options.fail?.(ip) ?? null;
      if (error !== null) return { ip, ok: false, service: null, error, attempts: 1 };
      return { ip, ok: true, stats: { service: 'S', cpu: 1, memory: 2 }, attempts: 1 };
    },
    async close() {},
  };
  return { client, seen };
}

const ipsOf = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}`);

describe('scanInstances', () => {
  it('returns one reading per ip in input order, with bounded concurrency', async () => {
    const ips = ipsOf(100);
    const { client, seen } = fakeClient({
      delayMs: (ip) => (Number(ip.split('.')[3]) % 7) * 2,
      fail: (ip) => (ip.endsWith('.13') ? 'HTTP 500' : null),
    });
    const snapshot = await scanInstances(client, ips, { concurrency: 8 });
    assert.deepEqual(
      snapshot.readings.map((r) => r.ip),
      ips,
    );
    assert.equal(seen.peak, 8);
    assert.equal(snapshot.readings.filter((r) => !r.ok).length, 1);
  });

  it("runs the client's spare readers too, and marks the last round's readings", async () => {
    const ips = ipsOf(40);
    const { client: base, seen } = fakeClient({ delayMs: () => 2 });
    const lastRound: string[] = [];
    const client: ProviderClient = {
      ...base,
      spareReaders: 2,
      readInstance: (ip, signal, last) => {
        if (last === true) lastRound.push(ip);
        return base.readInstance(ip, signal);
      },
    };
    await scanInstances(client, ips, { concurrency: 4 });
    // The client keeps its requests within the concurrency itself; the spares wait there.
    assert.equal(seen.peak, 6);
    // No reading starts after these: their connections need not be kept.
    assert.deepEqual(lastRound.sort(), ips.slice(-6).sort());
  });

  it('keeps duplicates and copes with an empty list', async () => {
    const { client } = fakeClient();
    const snapshot = await scanInstances(client, ['10.0.0.1', '10.0.0.1'], { concurrency: 4 });
    assert.equal(snapshot.readings.length, 2);
    const empty = await scanInstances(client, [], { concurrency: 4 });
    assert.deepEqual(empty.readings, []);
  });

  it('stamps start and duration with the injected clock', async () => {
    let t = 1_000;
    const { client } = fakeClient();
    const snapshot = await scanInstances(client, ipsOf(3), {
      concurrency: 1,
      now: () => (t += 10),
    });
    assert.equal(snapshot.startedAt, 1_010);
    assert.ok(snapshot.durationMs > 0);
  });

  it('reports progress throttled by the clock, and once at the end', async () => {
    let t = 0;
    const reports: ScanProgress[] = [];
    const { client } = fakeClient({ fail: (ip) => (ip.endsWith('.1') ? 'x' : null) });
    await scanInstances(client, ipsOf(10), {
      concurrency: 1,
      now: () => (t += 40),
      onProgress: (p) => reports.push(p),
    });
    // Clock advances 40 ms per reading: at most one report per 100 ms, then the final one.
    assert.deepEqual(reports.at(-1), { done: 10, total: 10, failed: 1 });
    assert.ok(reports.length >= 3 && reports.length <= 5, JSON.stringify(reports));
    const done = reports.map((p) => p.done);
    assert.deepEqual(
      done,
      [...done].sort((a, b) => a - b),
    );
  });

  it('marks every unfinished instance when the deadline passes, and returns promptly', async () => {
    const { client } = fakeClient({ delayMs: (ip) => (ip.endsWith('.0') ? 0 : 10_000) });
    const reports: ScanProgress[] = [];
    const started = performance.now();
    const snapshot = await scanInstances(client, ipsOf(20), {
      concurrency: 4,
      deadlineMs: 100,
      onProgress: (p) => reports.push(p),
    });
    assert.ok(performance.now() - started < 400);
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

  it('rejects with the abort reason promptly when the caller aborts', async () => {
    const { client } = fakeClient({ delayMs: () => 10_000 });
    const controller = new AbortController();
    const reason = new Error('interrupted');
    setTimeout(() => controller.abort(reason), 30);
    const started = performance.now();
    await assert.rejects(
      scanInstances(client, ipsOf(50), { concurrency: 5, signal: controller.signal }),
      (err) => err === reason,
    );
    assert.ok(performance.now() - started < 300);
  });

  it('rejects at once when already aborted', async () => {
    const { client, seen } = fakeClient();
    const signal = AbortSignal.abort(new Error('before'));
    await assert.rejects(scanInstances(client, ipsOf(5), { concurrency: 2, signal }), /before/);
    assert.equal(seen.calls, 0);
  });

  it('turns an unexpected throw into a reading instead of losing the ip', async () => {
    const { client } = fakeClient();
    const broken: ProviderClient = {
      ...client,
      url: client.url,
      lastListWarnings: [],
      readInstance: async (ip) => {
        if (ip === '10.0.0.2') throw new Error('bug');
        return client.readInstance(ip);
      },
    };
    const snapshot = await scanInstances(broken, ipsOf(4), { concurrency: 2 });
    assert.equal(snapshot.readings.length, 4);
    const bad = snapshot.readings[2];
    assert.equal(bad?.ok === false && bad.error, 'internal error: bug');
  });

  it('rejects a concurrency below 1 as a usage error', async () => {
    const { client } = fakeClient();
    await assert.rejects(scanInstances(client, ipsOf(1), { concurrency: 0 }), (err: unknown) => {
      return err instanceof FleetmonError && err.code === 'usage';
    });
  });

  it('scans 100k ips with memory bounded by concurrency', async () => {
    const { client, seen } = fakeClient();
    const snapshot = await scanInstances(client, ipsOf(100_000), { concurrency: 64 });
    assert.equal(snapshot.readings.length, 100_000);
    assert.equal(seen.peak, 64);
  });
});

describe('scanFleet', () => {
  it('lists then scans, in listing order', async () => {
    const { client } = fakeClient({ ips: ['10.0.0.3', '10.0.0.1'] });
    const snapshot = await scanFleet(client, { concurrency: 2 });
    assert.deepEqual(
      snapshot.readings.map((r) => r.ip),
      ['10.0.0.3', '10.0.0.1'],
    );
  });

  it('counts listing time against the deadline', async () => {
    const { client } = fakeClient({ ips: ipsOf(3), listDelayMs: 60, delayMs: () => 80 });
    const snapshot = await scanFleet(client, { concurrency: 3, deadlineMs: 100 });
    assert.ok(
      snapshot.readings.every((r) => !r.ok && r.error === 'scan deadline exceeded (100ms)'),
    );
  });

  it('fails as provider-unreachable when listing outlasts the deadline', async () => {
    const { client } = fakeClient({ ips: ipsOf(3), listDelayMs: 10_000 });
    await assert.rejects(scanFleet(client, { concurrency: 3, deadlineMs: 50 }), (err: unknown) => {
      assert.ok(err instanceof FleetmonError);
      assert.equal(err.code, 'provider-unreachable');
      assert.equal(err.message, 'cannot list http://fake/servers within the scan deadline (50ms)');
      return true;
    });
  });

  it('passes caller aborts during listing through unchanged', async () => {
    const { client } = fakeClient({ listDelayMs: 10_000 });
    const reason = new Error('ctrl-c');
    await assert.rejects(
      scanFleet(client, { concurrency: 1, deadlineMs: 5000, signal: AbortSignal.abort(reason) }),
      (err) => err === reason,
    );
  });
});
