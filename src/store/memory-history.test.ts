import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InstanceRow } from '../core/types.ts';
import { MAX_HISTORY_SCANS, MemoryHistory } from './memory-history.ts';

const row = (
  ip: string,
  service: string | null,
  cpu: number | null,
  memory: number | null,
): InstanceRow =>
  cpu === null
    ? { ip, service, status: 'unreachable', cpu: null, memory: null, error: 'HTTP 500' }
    : {
        ip,
        service,
        status: cpu < 75 && (memory ?? 0) < 75 ? 'healthy' : 'unhealthy',
        cpu,
        memory,
      };

describe('MemoryHistory', () => {
  it('keeps service means over answering instances and every instance, oldest first', () => {
    const h = new MemoryHistory({ windowMs: 60_000, capacity: 5 });
    h.append(
      [row('10.0.0.1', 'A', 10, 20), row('10.0.0.2', 'A', 30, 40), row('10.0.0.3', 'B', 90, 10)],
      1000,
    );
    h.append([row('10.0.0.1', 'A', 20, 30), row('10.0.0.2', 'A', null, null)], 2000);
    const a = h.query('A', 0);
    assert.ok(a);
    assert.deepEqual(a.ts, [1000, 2000]);
    assert.deepEqual(a.cpu, [20, 20]);
    assert.deepEqual(a.memory, [30, 30]);
    assert.deepEqual(a.instances, [2, 2]);
    assert.deepEqual(a.healthy, [2, 1]);
    assert.deepEqual(
      a.members.map((m) => [m.ip, m.cpu, m.status]),
      [
        ['10.0.0.1', [10, 20], ['healthy', 'healthy']],
        ['10.0.0.2', [30, null], ['healthy', 'unreachable']],
      ],
    );
    const b = h.query('B', 0);
    assert.deepEqual(b?.cpu, [90, null]);
    assert.deepEqual(b?.instances, [1, 0]);
    assert.deepEqual(b?.members[0]?.status, ['unhealthy', null]);
    assert.deepEqual(h.services(), ['A', 'B']);
  });

  it('answers only scans after since, and undefined for an unknown service', () => {
    const h = new MemoryHistory({ windowMs: 60_000, capacity: 5 });
    for (let t = 1; t <= 3; t++) h.append([row('10.0.0.1', 'A', t, t)], t * 1000);
    assert.deepEqual(h.query('A', 2000)?.ts, [3000]);
    assert.deepEqual(h.query('A', 3000)?.ts, []);
    assert.equal(h.query('Nope', 0), undefined);
  });

  it('is bounded: the ring overwrites old scans and forgets what no retained scan mentions', () => {
    const h = new MemoryHistory({ windowMs: 1_000_000, capacity: 3 });
    h.append([row('10.0.0.9', 'Gone', 50, 50)], 1000);
    for (let t = 2; t <= 10; t++) h.append([row('10.0.0.1', 'A', t, t)], t * 1000);
    assert.deepEqual(h.query('A', 0)?.ts, [8000, 9000, 10_000]);
    assert.deepEqual(h.query('A', 0)?.cpu, [8, 9, 10]);
    assert.equal(h.query('Gone', 0), undefined);
    assert.deepEqual(h.services(), ['A']);
  });

  it('drops scans older than the window even when the ring still holds them', () => {
    const h = new MemoryHistory({ windowMs: 2500, capacity: 10 });
    for (let t = 1; t <= 6; t++) h.append([row('10.0.0.1', 'A', t, t)], t * 1000);
    assert.deepEqual(h.query('A', 0)?.ts, [4000, 5000, 6000]);
  });

  it('rounds stored values to two decimals and rejects unbounded sizes', () => {
    const h = new MemoryHistory({ windowMs: 60_000, capacity: 2 });
    h.append(
      [row('10.0.0.1', 'A', 61.3, 1), row('10.0.0.2', 'A', 10, 1), row('10.0.0.3', 'A', 10, 1)],
      1,
    );
    assert.deepEqual(h.query('A', 0)?.cpu, [27.1]);
    assert.equal(h.query('A', 0)?.members[0]?.cpu[0], 61.3);
    assert.throws(() => new MemoryHistory({ windowMs: 1, capacity: 0 }), RangeError);
    assert.throws(
      () => new MemoryHistory({ windowMs: 1, capacity: MAX_HISTORY_SCANS + 1 }),
      RangeError,
    );
  });
});
