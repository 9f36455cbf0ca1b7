import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capacityFor, History, MAX_CAPACITY, meanOf, NO_SAMPLE } from './history.ts';

describe('History', () => {
  it('keeps the last `capacity` ticks, oldest first, with gaps as NaN', () => {
    const h = new History(3);
    for (const [cpu, memory] of [
      [10, 1],
      [20, 2],
      [null, null],
      [40, 4],
    ] as const) {
      h.beginTick();
      h.record('a', cpu, memory);
    }
    const a = h.get('a');
    assert.ok(a);
    assert.deepEqual(h.recent(a, 'cpu', 10), [20, Number.NaN, 40]);
    assert.deepEqual(h.recent(a, 'memory', 2), [Number.NaN, 4]);
  });

  it('gives a series created later no samples before it existed', () => {
    const h = new History(4);
    h.beginTick();
    h.record('a', 1, 1);
    h.beginTick();
    h.record('a', 2, 2);
    const b = h.record('b', 50, 60);
    assert.deepEqual(h.recent(b, 'cpu', 4), [Number.NaN, 50]);
  });

  it('writes NO_SAMPLE for series not recorded in a tick, so a lap never shows stale data', () => {
    const h = new History(2);
    h.beginTick();
    const a = h.record('a', 7, 7);
    h.beginTick();
    h.beginTick();
    assert.deepEqual(h.recent(a, 'cpu', 2), [Number.NaN, Number.NaN]);
    assert.ok(a.cpu.every((v) => v === NO_SAMPLE));
  });

  it('stores whole percents in one byte each and keeps session statistics', () => {
    const h = new History(2);
    for (const v of [10.4, 99.6, 50, 120]) {
      h.beginTick();
      h.record('a', v, v);
    }
    const a = h.get('a');
    assert.ok(a);
    assert.ok(a.cpu instanceof Uint8Array && a.cpu.length === 2);
    assert.deepEqual(h.recent(a, 'cpu', 2), [50, 100]);
    assert.equal(a.cpuStats.min, 10.4);
    assert.equal(a.cpuStats.max, 120);
    assert.equal(meanOf(a.cpuStats), (10.4 + 99.6 + 50 + 120) / 4);
  });

  it('resizes keeping the newest samples', () => {
    const h = new History(4);
    for (let i = 1; i <= 6; i++) {
      h.beginTick();
      h.record('a', i, i);
    }
    const a = h.get('a');
    assert.ok(a);
    h.resize(2);
    assert.deepEqual(h.recent(a, 'cpu', 10), [5, 6]);
    h.resize(5);
    h.beginTick();
    h.record('a', 7, 7);
    assert.deepEqual(h.recent(a, 'cpu', 10), [Number.NaN, Number.NaN, 5, 6, 7]);
  });

  it('sizes rings from --history and the interval, within bounds', () => {
    assert.equal(capacityFor(600_000, 5000), 120);
    assert.equal(capacityFor(600_000, 1000), 600);
    assert.equal(capacityFor(1000, 60_000), 2);
    assert.equal(capacityFor(7 * 86_400_000, 100), MAX_CAPACITY);
  });
});
