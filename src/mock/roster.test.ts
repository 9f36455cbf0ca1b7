import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createServersPlan } from './faults.ts';
import { createFleet } from './fleet.ts';
import { mulberry32 } from './random.ts';
import { createRoster, poolSizeFor } from './roster.ts';

function roster(churn: number, seed = 1) {
  const fleet = createFleet({ instances: poolSizeFor(100, churn), seed: 3, model: 'fixed' });
  return {
    fleet,
    roster: createRoster(fleet, {
      listed: 100,
      churn,
      intervalMs: 1000,
      startMs: 0,
      random: mulberry32(seed),
    }),
  };
}

describe('createRoster', () => {
  it('lists the whole fleet, unchanged, without churn', () => {
    const { fleet, roster: r } = roster(0);
    assert.deepEqual(r.listedAt(0), fleet.ips);
    assert.equal(r.listedAt(1e9), r.listedAt(0));
    assert.ok(r.has(fleet.ips[5] ?? '', 1e9));
  });

  it('replaces about churn × listed instances per interval, always listing the same number', () => {
    const { fleet, roster: r } = roster(0.05);
    const start = [...r.listedAt(0)];
    assert.deepEqual(start, fleet.ips.slice(0, 100));
    assert.equal(r.listedAt(999), r.listedAt(0), 'nothing changes within an interval');
    const later = r.listedAt(1000);
    assert.equal(later.length, 100);
    assert.equal(new Set(later).size, 100);
    const replaced = later.filter((ip) => !start.includes(ip)).length;
    assert.equal(replaced, 5);
    const gone = start.find((ip) => !later.includes(ip)) ?? '';
    assert.equal(r.has(gone, 1000), false);
    assert.ok(later.every((ip) => r.has(ip, 1000)));
  });

  it('is the same for the same seed, whatever the times it was asked at', () => {
    const a = roster(0.1, 42).roster;
    const b = roster(0.1, 42).roster;
    for (let t = 0; t <= 20_000; t += 700) a.listedAt(t);
    assert.deepEqual([...b.listedAt(20_000)], [...a.listedAt(20_000)]);
    const c = roster(0.1, 43).roster;
    assert.notDeepEqual([...c.listedAt(20_000)], [...a.listedAt(20_000)]);
  });
});

describe('createServersPlan', () => {
  it('answers well for the first `after` requests, then fails at the rate', () => {
    const plan = createServersPlan('error', 1, 2, mulberry32(1));
    assert.deepEqual(Array.from({ length: 5 }, plan), [null, null, 'error', 'error', 'error']);
    const never = createServersPlan(undefined, 1, 0, mulberry32(1));
    assert.equal(never(), null);
    const half = createServersPlan('non-ip', 0.5, 0, mulberry32(1));
    const draws = Array.from({ length: 1000 }, half);
    const share = draws.filter((d) => d === 'non-ip').length / 1000;
    assert.ok(share > 0.4 && share < 0.6, String(share));
  });
});
