import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testScan } from './backends.test-helper.ts';
import { FleetState } from './fleet-state.ts';
import { lazyIps } from './scan-record.ts';

const step = (state: FleetState, scan: ReturnType<typeof testScan>) => {
  const ips = lazyIps(scan);
  const diff = state.diff(scan, ips);
  state.apply(scan, ips, diff);
  return diff;
};

describe('FleetState', () => {
  it('sets a baseline on the first scan, then reports what changed, by row or by IP alike', () => {
    const state = new FleetState();
    const base = step(
      state,
      testScan(
        0,
        [
          ['10.0.0.1', 'A', 10, 10],
          ['10.0.0.2', 'A', 10, 10],
        ],
        2,
      ),
    );
    assert.deepEqual([base.events, base.changedRows, base.moved], [[], [0, 1], true]);
    // Same IPs in the same order: compared by row.
    const same = step(
      state,
      testScan(
        1,
        [
          ['10.0.0.1', 'A', 90, 10],
          ['10.0.0.2', null, null, null],
        ],
        2,
      ),
    );
    assert.deepEqual(
      same.events.map((e) => `${e.scope} ${e.subject} ${e.service} ${e.from}->${e.to}`),
      [
        'instance 10.0.0.1 A healthy->unhealthy',
        'instance 10.0.0.2 A healthy->unreachable',
        'service A A ok->flagged',
      ],
    );
    assert.deepEqual([same.rowService, same.moved], [['A', 'A'], false]);
    // Another list: compared by IP, and the one left out is gone.
    const other = step(
      state,
      testScan(
        2,
        [
          ['10.0.0.3', 'B', 10, 10],
          ['10.0.0.1', 'A', 90, 10],
        ],
        2,
      ),
    );
    assert.deepEqual(
      other.events.map((e) => `${e.subject} ${e.kind}`),
      ['10.0.0.3 appeared', '10.0.0.2 gone', 'B appeared'],
    );
    assert.deepEqual([other.goneIps, other.moved], [['10.0.0.2'], true]);
    assert.deepEqual([...state.instances.keys()].sort(), ['10.0.0.1', '10.0.0.3']);
  });
});
