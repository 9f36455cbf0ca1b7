import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sparkline } from './sparkline.ts';

it('sparkline: one bar per value, clamped to the range, gaps for non-finite values', () => {
  assert.equal(sparkline([0, 12.5, 25, 50, 75, 99, 100]), '▁▂▃▅▇██');
  assert.equal(sparkline([-5, 150, Number.NaN]), '▁█ ');
  assert.equal(sparkline([10, 20], 10, 20), '▁█');
  assert.equal(sparkline([5], 5, 5), '▁');
  assert.equal(sparkline([]), '');
});
