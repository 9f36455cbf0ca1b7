import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestRow } from '../backends.test-helper.ts';
import { testScan } from '../backends.test-helper.ts';
import { createMemoryStore, MAX_HISTORY_SCANS } from './memory-store.ts';

const T0 = Date.UTC(2026, 11, 1);

describe('memory store', () => {
  it('holds what a churning fleet has in the window, not every instance it ever saw', async () => {
    // 1,000 instances, 5% replaced by new ones every scan (issue 20, finding 6), 60 scans kept.
    const store = createMemoryStore({ windowMs: 60_000, maxScans: 61 });
    let next = 0;
    let fleet: string[] = Array.from(
      { length: 1000 },
      () => `10.${next >> 16}.${(next >> 8) & 255}.${next++ & 255}`,
    );
    for (let i = 0; i < 600; i++) {
      fleet = [
        ...fleet.slice(50),
        ...Array.from(
          { length: 50 },
          () => `10.${next >> 16}.${(next >> 8) & 255}.${next++ & 255}`,
        ),
      ];
      const rows: TestRow[] = fleet.map((ip, k) => [ip, `S${k % 10}`, 20, 30]);
      await store.writer.writeScan(testScan(T0 + i * 1000, rows));
    }
    const info = await store.info();
    assert.equal(next, 1000 + 600 * 50, '31,000 distinct instances seen');
    assert.equal(info.scans.rows, 60);
    assert.equal(info.tiers[0]?.samples, 60 * 1000, 'samples held: the window, not the past');
    // Instances mentioned by a retained scan: the fleet plus those replaced within the window.
    assert.equal(info.instances.known, 1000 + 59 * 50);
    assert.equal(info.instances.present, 1000);
  });

  it('answers only the window and keeps at most maxScans', async () => {
    const store = createMemoryStore({ windowMs: 10_000, maxScans: 5 });
    for (let i = 0; i < 20; i++)
      await store.writer.writeScan(testScan(T0 + i * 1000, [['10.0.0.1', 'A', i, i]]));
    const s = await store.history.series({
      target: { kind: 'service', service: 'A' },
      from: 0,
      to: T0 + 60_000,
      stepMs: null,
    });
    assert.deepEqual(s?.cpu, [15, 16, 17, 18, 19]);
    const window = createMemoryStore({ windowMs: 2_500, maxScans: 100 });
    for (let i = 0; i < 6; i++)
      await window.writer.writeScan(testScan(T0 + i * 1000, [['10.0.0.1', 'A', i, i]]));
    const w = await window.history.series({
      target: { kind: 'service', service: 'A' },
      from: 0,
      to: T0 + 60_000,
      stepMs: null,
    });
    assert.deepEqual(w?.ts, [T0 + 3000, T0 + 4000, T0 + 5000]);
    assert.throws(() => createMemoryStore({ windowMs: 1, maxScans: 0 }), RangeError);
    assert.throws(
      () => createMemoryStore({ windowMs: 1, maxScans: MAX_HISTORY_SCANS + 1 }),
      RangeError,
    );
  });

  it('keeps probe results for the window', async () => {
    const store = createMemoryStore({ windowMs: 10_000, maxScans: 10 });
    const result = (ts: number) => ({
      probe: 'time',
      url: 'http://127.0.0.1/now',
      ts,
      ok: true,
      verdict: 'ok' as const,
      status: 200,
      latencyMs: 1,
      offsetMs: 0,
      uncertaintyMs: 0.5,
      failure: null,
      reason: null,
    });
    await store.probes.appendProbeResults([result(T0), result(T0 + 20_000), result(T0 + 25_000)]);
    assert.deepEqual(
      (await store.probes.probeResults('time', 0, T0 + 60_000)).map((r) => r.ts),
      [T0 + 20_000, T0 + 25_000],
    );
    assert.deepEqual(await store.probes.probeNames(), ['time']);
  });
});
