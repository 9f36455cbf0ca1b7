import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Reading } from '../core/types.ts';
import { FakeClock } from '../time/fake-clock.test-helper.ts';
import { readEach } from './read-each.ts';

const ipsOf = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}`);

const ok = (ip: string): Reading => ({
  ip,
  ok: true,
  stats: { service: 'S', cpu: 1, memory: 2 },
  attempts: 1,
});

/** Reads that take `delayMs(ip)` on `clock`, counting how many run at once. */
function timedReads(clock: FakeClock, delayMs: (ip: string) => number) {
  const seen = { inFlight: 0, peak: 0, lastRound: [] as string[] };
  const read = async (ip: string, signal: AbortSignal | undefined, lastRound: boolean) => {
    seen.inFlight++;
    seen.peak = Math.max(seen.peak, seen.inFlight);
    if (lastRound) seen.lastRound.push(ip);
    try {
      await clock.sleep(delayMs(ip), signal);
    } finally {
      seen.inFlight--;
    }
    return ok(ip);
  };
  return { read, seen };
}

describe('readEach', () => {
  it('hands every reading over with its index, with as many readers as asked for', async () => {
    const clock = new FakeClock();
    const ips = ipsOf(100);
    const { read, seen } = timedReads(clock, (ip) => (Number(ip.split('.')[3]) % 7) * 2);
    const got: Array<Reading | undefined> = [];
    const done = readEach(ips, {
      readers: () => 8,
      signal: undefined,
      read,
      onReading: (index, reading) => {
        got[index] = reading;
      },
    });
    await clock.advance(1000);
    await done;
    assert.deepEqual(
      got.map((reading) => reading?.ip),
      ips,
    );
    assert.equal(seen.peak, 8);
  });

  it('lets readers join as more are wanted, and marks the readings of the last round', async () => {
    const clock = new FakeClock();
    const ips = ipsOf(40);
    const { read, seen } = timedReads(clock, () => 2);
    let wanted = 4;
    let readings = 0;
    const done = readEach(ips, {
      readers: () => wanted,
      signal: undefined,
      read,
      onReading: () => {
        readings++;
        if (readings === 4) wanted = 6;
      },
    });
    await clock.advance(100);
    await done;
    assert.equal(seen.peak, 6);
    // No reading starts after these: their connections need not be kept.
    assert.deepEqual(seen.lastRound.sort(), ips.slice(-6).sort());
  });

  it('turns an unexpected throw into a reading instead of losing the ip', async () => {
    const got: Reading[] = [];
    await readEach(ipsOf(4), {
      readers: () => 2,
      signal: undefined,
      read: async (ip) => {
        if (ip === '10.0.0.2') throw new Error('bug');
        return ok(ip);
      },
      onReading: (index, reading) => {
        got[index] = reading;
      },
    });
    assert.equal(got.length, 4);
    assert.deepEqual(got[2], {
      ip: '10.0.0.2',
      ok: false,
      service: null,
      error: 'internal error: bug',
      attempts: 0,
    });
  });

  it('starts no reading once the signal aborts, and ends without the readings cut short', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const { read } = timedReads(clock, () => 10);
    const got: number[] = [];
    const done = readEach(ipsOf(20), {
      readers: () => 4,
      signal: controller.signal,
      read,
      onReading: (index) => got.push(index),
    });
    await clock.advance(10);
    controller.abort(new Error('stop'));
    await done;
    assert.deepEqual(
      got.sort((a, b) => a - b),
      [0, 1, 2, 3],
    );
  });

  it('reads 100k ips with memory bounded by its readers', async () => {
    let count = 0;
    let inFlight = 0;
    let peak = 0;
    await readEach(ipsOf(100_000), {
      readers: () => 64,
      signal: undefined,
      read: async (ip) => {
        peak = Math.max(peak, ++inFlight);
        await undefined;
        inFlight--;
        return ok(ip);
      },
      onReading: () => {
        count++;
      },
    });
    assert.deepEqual([count, peak], [100_000, 64]);
  });
});
