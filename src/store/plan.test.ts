import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { autoStep, planQuery } from './plan.ts';

const M = 60_000;
const H = 60 * M;
const NOW = 100 * 24 * H;
const coverage = {
  keptFrom: { raw: NOW - 48 * H, minute: NOW - 30 * 24 * H },
  rolledUntil: { minute: NOW - 2 * M, hour: NOW - H },
};

describe('planQuery', () => {
  it('reads rolled-up hours, then minutes, then raw samples for the newest part', () => {
    const plan = planQuery(NOW - 6 * H, NOW, H, coverage);
    assert.deepEqual(plan.segments, [
      { tier: 'hour', from: NOW - 6 * H, to: NOW - H },
      { tier: 'minute', from: NOW - H, to: NOW - 2 * M },
      { tier: 'raw', from: NOW - 2 * M, to: NOW },
    ]);
    assert.equal(plan.tier, 'hour');
  });

  it('uses a tier only when its width divides the step', () => {
    const fifteen = planQuery(NOW - 6 * H, NOW, 15 * M, coverage);
    assert.deepEqual(
      fifteen.segments.map((s) => s.tier),
      ['minute', 'raw'],
    );
    const odd = planQuery(NOW - 6 * H, NOW, 90_000, coverage);
    assert.deepEqual(
      odd.segments.map((s) => s.tier),
      ['raw'],
    );
  });

  it('widens the step where the tiers it needs are no longer kept, and aligns the start', () => {
    const old = planQuery(NOW - 10 * 24 * H + 7 * M, NOW, M, coverage);
    assert.equal(old.stepMs, M);
    assert.equal(old.from, NOW - 10 * 24 * H + 7 * M);
    const older = planQuery(NOW - 60 * 24 * H + 7 * M, NOW, M, coverage);
    assert.deepEqual([older.stepMs, older.from, older.tier], [H, NOW - 60 * 24 * H, 'hour']);
  });

  it('answers per scan from raw samples only', () => {
    assert.deepEqual(planQuery(NOW - H, NOW, null, coverage).segments, [
      { tier: 'raw', from: NOW - H, to: NOW },
    ]);
  });

  it('picks the smallest usual step that fits the points wanted', () => {
    assert.deepEqual(
      [
        autoStep(6 * H, 100),
        autoStep(24 * H, 1500),
        autoStep(30 * 24 * H, 1500),
        autoStep(3650 * 24 * H, 10),
      ],
      [5 * M, M, 30 * M, 7 * 24 * H],
    );
  });
});
