import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../time/fake-clock.test-helper.ts';
import type { StoreMaintenance } from './history.ts';
import { startMaintenance } from './maintenance.ts';

/** Maintenance that answers `more` or fails as `answers` say, noting when it ran. */
function scripted(clock: FakeClock, answers: Array<boolean | Error>) {
  const ran: number[] = [];
  const store: StoreMaintenance = {
    async maintain() {
      ran.push(clock.now());
      const next = answers.shift() ?? false;
      if (next instanceof Error) throw next;
      return { more: next };
    },
  };
  return { store, ran };
}

describe('startMaintenance', () => {
  it('runs every interval, batch after batch while behind, and logs a failure once', async () => {
    const clock = new FakeClock();
    const broken = () => new Error('disk I/O error');
    const { store, ran } = scripted(clock, [true, true, false, broken(), broken(), false]);
    const lines: string[] = [];
    const loop = startMaintenance({ store, clock, everyMs: 10_000, log: (l) => lines.push(l) });
    await clock.advance(9_999);
    assert.deepEqual(ran, [], 'not before the first interval');
    await clock.advance(30_101);
    // A backlog goes on after 50 ms pauses; then once an interval, failing or not.
    assert.deepEqual(ran, [10_000, 10_050, 10_100, 20_100, 30_100, 40_100]);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0] ?? '', /^history maintenance failed: .*disk I\/O error.*\(retrying\)$/);
    await loop.stop();
    assert.deepEqual(clock.pending(), [], 'stop ends the wait for the next round');
  });
});
