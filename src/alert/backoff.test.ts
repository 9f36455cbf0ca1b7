import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACKOFF_MAX_MS, backoffMs, MAX_RETRY_AFTER_MS, parseRetryAfter } from './backoff.ts';

describe('backoff', () => {
  it('doubles from 1 s, with jitter in the upper half, up to a minute', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => backoffMs(n, () => 1)),
      [1000, 2000, 4000, 8000],
    );
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => backoffMs(n, () => 0)),
      [500, 1000, 2000, 4000],
    );
    assert.equal(
      backoffMs(30, () => 1),
      BACKOFF_MAX_MS,
    );
  });

  it('reads Retry-After as seconds or an HTTP date, capped', () => {
    const now = Date.UTC(2026, 0, 5, 12);
    assert.equal(parseRetryAfter('2', now), 2000);
    assert.equal(parseRetryAfter(new Date(now + 30_000).toUTCString(), now), 30_000);
    assert.equal(parseRetryAfter('86400', now), MAX_RETRY_AFTER_MS);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});
