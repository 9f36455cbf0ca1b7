import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTimePoint, resolveTimePoint } from './time-point.ts';

describe('parseTimePoint', () => {
  it('reads fixed times, epoch ms, now and durations back', () => {
    const now = Date.UTC(2026, 11, 6, 12);
    const at = (text: string) => {
      const point = parseTimePoint(text);
      return point === null ? null : resolveTimePoint(point, now);
    };
    assert.equal(at('2026-12-06T03:00:00Z'), Date.UTC(2026, 11, 6, 3));
    assert.equal(at('2026-12-06T03:00'), new Date(2026, 11, 6, 3).getTime());
    assert.equal(at('2026-12-06'), new Date(2026, 11, 6).getTime());
    assert.equal(at('1796083200000'), 1796083200000);
    assert.equal(at('now'), now);
    assert.equal(at('6h'), now - 6 * 3_600_000);
    assert.equal(at('7d'), now - 7 * 86_400_000);
    for (const bad of ['yesterday', '', '2026-13-45', '6 hours']) assert.equal(at(bad), null, bad);
  });
});
