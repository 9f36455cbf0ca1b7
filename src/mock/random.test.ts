import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveSeed, hashInts, hashUnit, mulberry32 } from './random.ts';

describe('mulberry32', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, mulberry32(seed));
    assert.deepEqual(draw(7), draw(7));
    assert.notDeepEqual(draw(7), draw(8));
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const random = mulberry32(42);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = random();
      assert.ok(x >= 0 && x < 1);
      sum += x;
    }
    assert.ok(Math.abs(sum / 10_000 - 0.5) < 0.02);
  });
});

describe('hashInts', () => {
  it('is a pure function that keeps the high bits of epoch milliseconds', () => {
    assert.equal(hashInts(1, 2, 3), hashInts(1, 2, 3));
    assert.notEqual(hashInts(1, 2, 3), hashInts(1, 3, 2));
    const ms = 1_700_000_000_000;
    assert.notEqual(hashInts(ms), hashInts(ms + 2 ** 32));
    const u = hashUnit(ms);
    assert.ok(u >= 0 && u < 1);
  });

  it('derives distinct streams from one seed', () => {
    assert.notEqual(deriveSeed(1, 1), deriveSeed(1, 2));
    assert.notEqual(deriveSeed(1, 1), deriveSeed(2, 1));
  });
});
