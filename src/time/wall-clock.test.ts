import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemWallClock } from './wall-clock.ts';

describe('systemWallClock', () => {
  it('reads the system clock finer than a millisecond, within its stated resolution', () => {
    const clock = systemWallClock();
    assert.ok(clock.resolutionMs > 0 && clock.resolutionMs <= 1.1);
    let fractional = 0;
    for (let i = 0; i < 2000; i++) {
      const before = Date.now();
      const reading = clock.now();
      const after = Date.now();
      // Date.now() truncates: the true time lies in [before, after + 1).
      assert.ok(reading >= before - clock.resolutionMs && reading < after + 1 + clock.resolutionMs);
      if (reading !== Math.floor(reading)) fractional++;
    }
    assert.ok(fractional > 1000, 'readings have a fraction of a millisecond');
  });
});
