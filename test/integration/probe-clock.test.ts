import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  runTrials,
  type Trial,
  type TrialResult,
  wrongVerdict,
} from '../../src/probe/clock-trials.test-helper.ts';

// The clock reading end to end against loopback time servers of known offset and added
// delay: the true offset inside every reported interval, and the precision the issue asks for.
// A small run, bounded in time; bench/probe-accuracy.ts runs 500+ trials per kind.

const SKEWS = [900, -900, 1100, -1100, 0, 2500];

function trials(mode: Trial['mode'], delays: readonly number[], close = false): Trial[] {
  return delays.flatMap((maxDelayMs) =>
    SKEWS.map((skewMs) => ({ mode, skewMs, maxDelayMs, close })),
  );
}

function assertAllInside(results: readonly TrialResult[]): void {
  const misses = results.filter((r) => !r.inside);
  assert.deepEqual(misses, [], 'the true offset lies in every reported interval');
  assert.deepEqual(
    results.filter(wrongVerdict),
    [],
    'never ok beyond the limit nor skewed within it',
  );
}

describe('clock readings against servers of known offset', { timeout: 60_000 }, () => {
  it('body timestamp: every interval holds the truth, within 10 ms + RTT/2', async () => {
    const results = await runTrials(trials('body', [0, 20, 100]), {
      concurrency: 18,
      timeoutMs: 3000,
    });
    assertAllInside(results);
    for (const r of results) {
      assert.equal(r.requests, 1);
      // RTT: the round trip measured, the added delays and this process's own scheduling.
      assert.ok((r.uncertaintyMs ?? Infinity) <= 10 + (r.rttMs ?? 0) / 2, JSON.stringify(r));
      assert.ok((r.rttMs ?? 0) >= r.addedRttMs);
    }
    // Far from the limit with a tight interval, the verdict is decided.
    for (const r of results.filter((x) => x.trial.maxDelayMs === 0)) {
      assert.equal(r.verdict, Math.abs(r.trial.skewMs) > 1000 ? 'skewed' : 'ok', JSON.stringify(r));
    }
  });

  it('Date header only: every interval holds the truth, ≤ 100 ms on a fast path within 6 requests', async () => {
    const results = await runTrials([...trials('date', [0, 30]), ...trials('date', [0], true)], {
      concurrency: 18,
      timeoutMs: 6000,
    });
    assertAllInside(results);
    for (const r of results) {
      assert.ok(r.requests <= 6);
      assert.equal(r.uncertaintyMs !== null && r.uncertaintyMs <= 100, true, JSON.stringify(r));
    }
  });

  it('a clock stepped through zero between runs, on one server', async () => {
    const steps = [1100, 600, 100, -400, -1100];
    const [body, date] = await Promise.all([
      runTrials(
        steps.map((skewMs) => ({ mode: 'body', skewMs, maxDelayMs: 20 })),
        { concurrency: 1, timeoutMs: 3000, sweep: true },
      ),
      runTrials(
        steps.map((skewMs) => ({ mode: 'date', skewMs, maxDelayMs: 5 })),
        { concurrency: 1, timeoutMs: 6000, sweep: true },
      ),
    ]);
    assertAllInside([...body, ...date]);
  });
});
