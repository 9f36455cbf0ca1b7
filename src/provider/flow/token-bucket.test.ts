import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultBurst, TokenBucket } from './token-bucket.ts';

describe('TokenBucket', () => {
  const cases: ReadonlyArray<{
    name: string;
    rate: number;
    burst?: number;
    /** Times (ms, fake clock) at which a token is asked for. */
    at: number[];
    /** How long each caller must wait. */
    waits: number[];
  }> = [
    { name: 'burst of 1: evenly spaced', rate: 10, burst: 1, at: [0, 0, 0], waits: [0, 100, 200] },
    {
      name: 'a burst passes at once, then the rate',
      rate: 10,
      burst: 2,
      at: [0, 0, 0, 0],
      waits: [0, 0, 100, 200],
    },
    { name: 'tokens refill with time', rate: 10, burst: 1, at: [0, 100, 250], waits: [0, 0, 0] },
    {
      name: 'idle time never banks more than the burst',
      rate: 10,
      burst: 2,
      at: [0, 10_000, 10_000, 10_000],
      waits: [0, 0, 0, 100],
    },
    {
      name: 'half a token accrued: wait for the other half',
      rate: 10,
      burst: 1,
      at: [0, 50],
      waits: [0, 50],
    },
    { name: 'fractional rates', rate: 0.5, burst: 1, at: [0, 0], waits: [0, 2000] },
    {
      name: 'a clock that goes backwards does not mint tokens',
      rate: 10,
      burst: 1,
      at: [100, 0, 0],
      waits: [0, 100, 200],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const bucket = new TokenBucket(c.rate, c.burst);
      const waits = c.at.map((t) => Math.round(bucket.reserve(t)));
      assert.deepEqual(waits, c.waits);
    });
  }

  it('holds the average rate over a long run', () => {
    const bucket = new TokenBucket(200);
    let now = 0;
    for (let i = 0; i < 2000; i++) now += bucket.reserve(now);
    // 2000 requests at 200/s after a burst of 10: about 9.95 s.
    assert.ok(Math.abs(now - 9950) < 1, String(now));
  });

  it('bursts 50 ms worth, at least one, and refuses a rate that is not positive', () => {
    assert.deepEqual([defaultBurst(0.5), defaultBurst(100), defaultBurst(1000)], [1, 5, 50]);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => new TokenBucket(bad), RangeError);
    }
  });
});
