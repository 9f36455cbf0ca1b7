import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EMPTY_WINDOW,
  type FlapWindow,
  failuresIn,
  isFlapping,
  record,
  transitionsIn,
} from './anti-flap.ts';

/** A window from a pattern read oldest first: `FSF` = fail, pass, fail. */
const windowOf = (pattern: string, of: number): FlapWindow =>
  [...pattern].reduce((w, c) => record(w, c === 'F', of), EMPTY_WINDOW);

describe('anti-flap window', () => {
  it('keeps only the last `of` evaluations', () => {
    const w = windowOf('FFFFFSS', 5);
    assert.equal(w.count, 5);
    assert.equal(failuresIn(w), 3);
  });

  for (const [pattern, transitions, flapping] of [
    ['FSFSF', 4, true],
    ['SFSFF', 3, true],
    ['FSFFF', 2, false],
    ['SSFFF', 1, false],
    ['FFFFF', 0, false],
    ['SF', 1, false],
  ] as const) {
    it(`${pattern}: ${transitions} changes, ${flapping ? '' : 'not '}flapping under 3 of 5`, () => {
      const w = windowOf(pattern, 5);
      assert.equal(transitionsIn(w), transitions);
      assert.equal(isFlapping(w, 5), flapping);
    });
  }

  it('windows shorter than 3 never flap', () => {
    assert.equal(isFlapping(windowOf('FS', 2), 2), false);
    assert.equal(isFlapping(windowOf('F', 1), 1), false);
  });
});
