import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Limiter } from './limiter.ts';
import { backoffDelay, parseRetryAfter } from './retry.ts';

describe('backoffDelay', () => {
  it('doubles from baseMs up to maxMs, scaled by the jitter draw', () => {
    const backoff = { baseMs: 50, maxMs: 1000 };
    const delays = [1, 2, 3, 4, 5, 6, 7].map((retry) => backoffDelay(retry, backoff, () => 0.5));
    assert.deepEqual(delays, [25, 50, 100, 200, 400, 500, 500]);
    assert.equal(
      backoffDelay(3, backoff, () => 0),
      0,
    );
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  const cases: Array<[header: string | string[] | undefined, ms: number | null]> = [
    [undefined, null],
    ['0', 0],
    [' 5 ', 5000],
    [['2', '9'], 2000],
    ['Wed, 01 Jan 2025 00:00:30 GMT', 30_000],
    ['Tue, 31 Dec 2024 23:00:00 GMT', 0],
    ['soon', null],
    ['-1', null],
  ];
  for (const [header, ms] of cases) {
    it(JSON.stringify(header), () => assert.equal(parseRetryAfter(header, now), ms));
  }
});

describe('Limiter', () => {
  it('holds waiters beyond the limit and hands slots over in order', async () => {
    const limiter = new Limiter(2);
    const order: number[] = [];
    await limiter.acquire();
    await limiter.acquire();
    const third = limiter.acquire().then(() => order.push(3));
    const fourth = limiter.acquire().then(() => order.push(4));
    assert.equal(limiter.active, 2);
    limiter.release();
    limiter.release();
    await Promise.all([third, fourth]);
    assert.deepEqual(order, [3, 4]);
    assert.equal(limiter.active, 2);
  });

  it('drops a waiter whose signal aborts, without losing the slot', async () => {
    const limiter = new Limiter(1);
    await limiter.acquire();
    const controller = new AbortController();
    const abandoned = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error('gone'));
    await assert.rejects(abandoned, /gone/);
    limiter.release();
    await next;
    assert.equal(limiter.active, 1);
    limiter.release();
    assert.equal(limiter.active, 0);
  });

  it('stays O(1) per release with 100k waiters', async () => {
    const limiter = new Limiter(1);
    await limiter.acquire();
    const waiters = Array.from({ length: 100_000 }, () =>
      limiter.acquire().then(() => limiter.release()),
    );
    limiter.release();
    await Promise.all(waiters);
    assert.equal(limiter.active, 0);
  });
});

describe('parseRetryAfter properties', () => {
  it('gives null or a whole, non-negative number of ms for any header', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary-ascii' }),
          fc.nat().map(String),
          fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
          fc.array(fc.string(), { maxLength: 2 }),
        ),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (header, now) => {
          const ms = parseRetryAfter(header, now);
          assert.ok(ms === null || (Number.isFinite(ms) && ms >= 0), String(ms));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
