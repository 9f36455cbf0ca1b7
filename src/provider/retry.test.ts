import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { AttemptResult } from './attempt.ts';
import { backoffDelay, decideRetry, parseRetryAfter, type RetryRules } from './retry.ts';

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

describe('decideRetry', () => {
  const rules: RetryRules = {
    retries: 2,
    backoff: { baseMs: 100, maxMs: 1000 },
    random: () => 0.5,
  };
  const failure = (
    status: number | null,
    retryAfterMs: number | null = null,
    retryable = true,
  ): AttemptResult => ({
    ok: false,
    kind: status === null ? 'timeout' : 'http',
    reason: status === null ? 'timeout after 1s' : `HTTP ${status}`,
    status,
    retryable,
    retryAfterMs,
  });

  it('stops on success, on a failure that will not change, and when the retries are used up', () => {
    const ok: AttemptResult = { ok: true, text: '{}' };
    assert.deepEqual(decideRetry(ok, 1, 3000, rules), { retry: false, result: ok });
    const gone = failure(400, null, false);
    assert.deepEqual(decideRetry(gone, 1, 3000, rules), { retry: false, result: gone });
    const late = failure(500);
    assert.deepEqual(decideRetry(late, 3, 3000, rules), { retry: false, result: late });
  });

  it('waits an exponential backoff with full jitter between attempts', () => {
    const waits = [1, 2].map((attempt) => decideRetry(failure(null), attempt, 3000, rules));
    assert.deepEqual(waits, [
      { retry: true, waitMs: 50, pauseAll: false },
      { retry: true, waitMs: 100, pauseAll: false },
    ]);
  });

  it('waits as Retry-After asks, pausing every request, while it fits in the budget left', () => {
    assert.deepEqual(decideRetry(failure(429, 0), 1, 3000, rules), {
      retry: true,
      waitMs: 0,
      pauseAll: true,
    });
    assert.deepEqual(decideRetry(failure(503, 3000), 1, 3000, rules), {
      retry: true,
      waitMs: 3000,
      pauseAll: true,
    });
  });

  it('gives up, saying what was asked, when Retry-After asks for more than the budget left', () => {
    const step = decideRetry(failure(503, 120_000), 1, 3000, rules);
    assert.equal(step.retry, false);
    assert.equal(
      !step.retry && !step.result.ok && step.result.reason,
      'HTTP 503 (asked to retry after 2m)',
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
