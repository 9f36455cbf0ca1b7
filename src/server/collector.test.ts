import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FleetmonError } from '../core/errors.ts';
import type { Snapshot } from '../core/types.ts';
import { createMemoryStore } from '../store/memory/memory-store.ts';
import { createCollector } from './collector.ts';
import { LiveState } from './live-state.ts';
import { createFleetMetrics } from './metrics.ts';
import { FLEET, RULES, snapshotOf } from './test-fixtures.test-helper.ts';

function setup(scan: (signal: AbortSignal) => Promise<Snapshot>, intervalMs = 20) {
  const state = new LiveState(createMemoryStore({ windowMs: 60_000, maxScans: 100 }).history);
  const metrics = createFleetMetrics({ version: 'v', build: 'b', commit: 'c' }, () => 0);
  const lines: string[] = [];
  const collector = createCollector({
    scan,
    rules: RULES,
    intervalMs,
    state,
    metrics,
    now: () => 123,
    log: (line) => lines.push(line),
  });
  return { state, collector, lines };
}

const until = async (check: () => boolean, ms = 2000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('createCollector', () => {
  it('scans at once and then every interval, numbering the views', async () => {
    let calls = 0;
    const { state, collector } = setup(async () => {
      calls++;
      return snapshotOf(FLEET, calls * 1000);
    });
    collector.start();
    await until(() => (state.latest?.seq ?? 0) >= 3);
    await collector.stop();
    const seen = calls;
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(calls, seen, 'no scan after stop');
  });

  it('keeps the last good view through failures, logs the first failure and the recovery', async () => {
    let calls = 0;
    const { state, collector, lines } = setup(async () => {
      calls++;
      if (calls === 2 || calls === 3)
        throw new FleetmonError('provider-unreachable', 'cannot list');
      return snapshotOf(FLEET);
    });
    const events: string[] = [];
    state.subscribe((event) => events.push(event.type));
    collector.start();
    await until(() => calls >= 4 && state.latest?.seq === 2);
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
    const { state, collector } = setup(
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
    const started = performance.now();
    await collector.stop();
    assert.ok(performance.now() - started < 200);
    assert.equal(aborted, true);
    assert.equal(state.lastFailure, undefined, 'an abort is not a scan failure');
  });
});
