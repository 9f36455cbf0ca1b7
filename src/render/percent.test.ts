import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatPercent } from './percent.ts';

it('formatPercent: one decimal rounded half up, whole numbers bare, - for unknown', () => {
  const cases: [number | null, string][] = [
    [61, '61%'],
    [0, '0%'],
    [100, '100%'],
    [61.5, '61.5%'],
    [0.7, '0.7%'],
    [61.04, '61%'],
    [46.666666666666664, '46.7%'],
    [46.65, '46.7%'],
    [46.64, '46.6%'],
    [33.35, '33.4%'],
    // Just under a whole percentage (a 75% limit) never reads as reaching it.
    [74.96, '74.9%'],
    [99.99, '99.9%'],
    [75, '75%'],
    [null, '-'],
    [Number.NaN, '-'],
  ];
  for (const [input, expected] of cases)
    assert.equal(formatPercent(input), expected, String(input));
});
