import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatDuration, parseDuration } from './duration.ts';

describe('parseDuration', () => {
  const cases: [string, number | null][] = [
    ['500ms', 500],
    ['5s', 5000],
    ['1.5s', 1500],
    ['1m', 60_000],
    ['2h', 7_200_000],
    ['30d', 2_592_000_000],
    ['3', 3000],
    [' 5s ', 5000],
    ['', null],
    ['5 minutes', null],
    ['-1s', null],
    ['1e3s', null],
    ['s', null],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${expected}`, () => assert.equal(parseDuration(text), expected));
  }

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const ms = parseDuration(s);
        return ms === null || (Number.isFinite(ms) && ms >= 0);
      }),
    );
  });
});

describe('formatDuration', () => {
  it('prints what a user would type', () => {
    assert.deepEqual(
      [500, 5000, 1500, 60_000, 90_000, 5_400_000, 7_200_000, 86_400_000 * 30].map(formatDuration),
      ['500ms', '5s', '1.5s', '1m', '90s', '90m', '2h', '30d'],
    );
  });
});
