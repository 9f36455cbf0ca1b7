import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FleetmonError } from '../core/errors.ts';
import type { Snapshot } from '../core/types.ts';
import { createMemoryStore } from '../store/memory/memory-store.ts';
import { FakeClock, until } from '../time/fake-clock.test-helper.ts';
import { createCollector } from './collector.ts';
import { LiveState } from './live-state.ts';
import { createFleetMetrics } from './metrics.ts';
import { FLEET, RULES, snapshotOf } from './test-fixtures.test-helper.ts';

const WALL = Date.UTC(2026, 0, 1);

function setup(
  scan: (signal: AbortSignal) => Promise<Snapshot>,
  intervalMs = 20,
  clock = new FakeClock({ wallStart: WALL }),
) {
  const state = new LiveState(createMemoryStore({ windowMs: 60_000, maxScans: 100 }).history);
  const metrics = createFleetMetrics({ version: 'v', build: 'b', commit: 'c' }, clock);
  const lines: string[] = [];
  const collector = createCollector({
    scan,
    rules: RULES,
    intervalMs,
    state,
    metrics,
    clock,
    log: (line) => lines.push(line),
  });
  return { state, collector, lines, clock };
}

describe('createCollector', () => {
  it('scans at once and then every interval, numbering the views', async () => {
    let calls = 0;
    const { state, collector, clock } = setup(async () => {
      calls++;
      return snapshotOf(FLEET, calls * 1000);
    });
    collector.start();
    await until(() => state.latest?.seq === 1, 'the first scan', clock);
    await clock.advance(19);
    assert.equal(calls, 1, 'not before the interval');
    await clock.advance(1);
    assert.equal(state.latest?.seq, 2);
    await clock.advance(20);
    assert.equal(state.latest?.seq, 3);
    await collector.stop();
    const seen = calls;
    await clock.advance(60);
    assert.equal(calls, seen, 'no scan after stop');
    assert.deepEqual(clock.pending(), [], 'no timer left behind');
  });

  it('starts each scan an interval after the one before started, however long that took', async () => {
    const clock = new FakeClock();
    const starts: number[] = [];
    const { collector } = setup(
      async (signal) => {
        starts.push(clock.now());
        await clock.sleep(15, signal);
        return snapshotOf(FLEET);
      },
      20,
      clock,
    );
    collector.start();
    await clock.advance(100);
    await collector.stop();
    assert.deepEqual(starts, [0, 20, 40, 60, 80, 100]);
  });

  it('keeps the last good view through failures, logs the first failure and the recovery', async () => {
    let calls = 0;
    const { state, collector, lines, clock } = setup(async () => {
      calls++;
      if (calls === 2 || calls === 3)
        throw new FleetmonError('provider-unreachable', 'cannot list');
      return snapshotOf(FLEET);
    });
    const events: string[] = [];
    state.subscribe((event) => events.push(event.type));
    collector.start();
    await until(() => calls === 1, 'the first scan', clock);
    await clock.advance(20);
    // A failure is stamped with the wall time, like a scan.
    assert.deepEqual(state.lastFailure, { at: WALL + 20, message: 'cannot list' });
    await clock.advance(40);
    await until(() => calls >= 4 && state.latest?.seq === 2, 'the recovery', clock);
    await collector.stop();
    assert.deepEqual(events.slice(0, 4), ['scan', 'scan-error', 'scan-error', 'scan']);
    assert.deepEqual(lines, [
      'scan failed: cannot list (retrying every interval)',
      'scan recovered: 4 instances',
    ]);
    assert.equal(state.lastFailure, undefined);
  });

  it('aborts the scan in flight on stop and resolves promptly', async () => {
    let aborted = false;
    const { state, collector, clock } = setup(
      (signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(signal.reason);
          });
        }),
      60_000,
    );
    collector.start();
    let stopped = false;
    void collector.stop().then(() => {
      stopped = true;
    });
    // Promptly: with the clock standing still, so stop waits for no timer.
    await until(() => stopped, 'the stop', clock);
    assert.deepEqual([clock.now(), clock.pending()], [0, []]);
    assert.equal(aborted, true);
    assert.equal(state.lastFailure, undefined, 'an abort is not a scan failure');
  });
});
