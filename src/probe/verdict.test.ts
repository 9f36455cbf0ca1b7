import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeClock } from './verdict.ts';

describe('judgeClock', () => {
  const cases: [string, number, number, number | undefined, 'ok' | 'skewed' | 'unknown'][] = [
    // name, lo, hi, max skew, verdict
    ['no limit: any reading is ok', 5000, 6000, undefined, 'ok'],
    ['well inside', -10, 10, 1000, 'ok'],
    ['inside, touching the limit', 900, 1000, 1000, 'ok'],
    ['inside, touching the negative limit', -1000, -900, 1000, 'ok'],
    ['whole interval ahead beyond the limit', 1001, 1200, 1000, 'skewed'],
    ['whole interval behind beyond the limit', -1200, -1001, 1000, 'skewed'],
    [
      'starts exactly at the limit: the offset may be exactly the limit',
      1000,
      1200,
      1000,
      'unknown',
    ],
    ['straddles +limit', 950, 1050, 1000, 'unknown'],
    ['straddles -limit', -1050, -950, 1000, 'unknown'],
    ['wider than the whole band', -2000, 2000, 1000, 'unknown'],
    ['zero limit, exact zero reading', 0, 0, 0, 'ok'],
  ];
  for (const [name, lo, hi, max, verdict] of cases) {
    it(name, () => assert.equal(judgeClock({ lo, hi }, max).verdict, verdict));
  }

  it('says which way, by how much, and against which limit', () => {
    assert.deepEqual(judgeClock({ lo: 1400, hi: 1600 }, 1000), {
      verdict: 'skewed',
      failure: 'clock_skew',
      reason: 'clock 1.500 s ahead (± 100 ms), beyond ±1s',
    });
    const behind = judgeClock({ lo: -1600, hi: -1400 }, 1000);
    assert.match(behind.verdict !== 'ok' ? behind.reason : '', /^clock 1\.500 s behind/);
    const unknown = judgeClock({ lo: 900, hi: 1100 }, 1000);
    assert.equal(unknown.verdict !== 'ok' && unknown.failure, 'clock_uncertain');
    assert.match(unknown.verdict !== 'ok' ? unknown.reason : '', /may be beyond ±1s/);
  });
});
