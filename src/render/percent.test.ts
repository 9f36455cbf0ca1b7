import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatPercent } from './percent.ts';

it('formatPercent: whole numbers bare, one decimal otherwise, - for unknown', () => {
  const cases: [number | null, string][] = [
    [61, '61%'],
    [0, '0%'],
    [100, '100%'],
    [61.5, '61.5%'],
    [0.7, '0.7%'],
    [61.04, '61%'],
    // Truncated, not rounded: just under a 75% limit must not read as 75%.
    [74.96, '74.9%'],
    [99.99, '99.9%'],
    [null, '-'],
    [Number.NaN, '-'],
  ];
  for (const [input, expected] of cases)
    assert.equal(formatPercent(input), expected, String(input));
});
