import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFleet, type Fleet, type FleetSpec } from './fleet.ts';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const demo: FleetSpec = { instances: 150, seed: 1, model: 'drift' };
const IPV4 = /^10\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** Healthy count per service under the default rule (cpu < 75 and memory < 75). */
function healthyByService(
  fleet: Fleet,
  now: number,
): Map<string, { instances: number; healthy: number }> {
  const byService = new Map<string, { instances: number; healthy: number }>();
  for (const ip of fleet.ips) {
    const stats = fleet.statsAt(ip, now)!;
    const entry = byService.get(stats.service) ?? { instances: 0, healthy: 0 };
    entry.instances++;
    if (stats.cpu < 75 && stats.memory < 75) entry.healthy++;
    byService.set(stats.service, entry);
  }
  return byService;
}

describe('createFleet', () => {
  it('is deterministic in its seed', () => {
    const a = createFleet(demo);
    const b = createFleet(demo);
    assert.deepEqual(a.ips, b.ips);
    for (const ip of a.ips) {
      assert.equal(a.serviceOf(ip), b.serviceOf(ip));
      assert.deepEqual(a.statsAt(ip, NOW), b.statsAt(ip, NOW));
    }
  });

  it('gives different seeds different fleets', () => {
    const a = createFleet(demo);
    const b = createFleet({ ...demo, seed: 2 });
    assert.notDeepEqual(a.ips, b.ips);
  });

  // How fast a 100k fleet is built is measured by the benchmarks (bench/large-fleet.ts).
  it('builds 100,000 unique private IPv4 addresses', () => {
    const fleet = createFleet({ instances: 100_000, seed: 1, model: 'drift' });
    assert.equal(fleet.ips.length, 100_000);
    assert.equal(new Set(fleet.ips).size, 100_000);
    for (const ip of fleet.ips) {
      assert.match(ip, IPV4);
      const host = Number(ip.split('.')[3]);
      assert.ok(host >= 1 && host <= 254, ip);
    }
    assert.ok(fleet.serviceOf(fleet.ips[99_999]!));
  });

  it('answers undefined for an ip outside the fleet', () => {
    const fleet = createFleet(demo);
    assert.equal(fleet.serviceOf('192.168.0.1'), undefined);
    assert.equal(fleet.statsAt('192.168.0.1', NOW), undefined);
    assert.equal(fleet.statsAt('', NOW), undefined);
  });

  it('rejects impossible sizes', () => {
    assert.throws(() => createFleet({ ...demo, instances: -1 }), RangeError);
    assert.throws(() => createFleet({ ...demo, instances: 1.5 }), RangeError);
  });

  for (const instances of [0, 1, 2, 5, 12]) {
    it(`assigns services sensibly to a fleet of ${instances}`, () => {
      const fleet = createFleet({ ...demo, instances });
      assert.equal(fleet.ips.length, instances);
      const services = new Set(fleet.ips.map((ip) => fleet.serviceOf(ip)));
      assert.ok(!services.has(undefined));
      if (instances >= 5) assert.ok(services.size >= 2 && services.size < instances);
    });
  }

  for (const model of ['drift', 'uniform', 'fixed'] as const) {
    it(`${model}: integer percents from 0 to 100`, () => {
      const fleet = createFleet({ ...demo, model });
      for (const ip of fleet.ips) {
        for (const now of [0, NOW, NOW + 1234, NOW + 86_400_000]) {
          const { cpu, memory } = fleet.statsAt(ip, now)!;
          for (const v of [cpu, memory])
            assert.ok(Number.isInteger(v) && v >= 0 && v <= 100, `${v}`);
        }
      }
    });
  }
});

describe('demo fleet health', () => {
  const times = [0, NOW, NOW + 90_000, NOW + 3_600_000, NOW + 86_400_000];
  for (const seed of [1, 2, 99]) {
    it(`seed ${seed}: a singleton and at least two larger services short of healthy instances`, () => {
      const fleet = createFleet({ ...demo, seed });
      for (const now of times) {
        const services = [...healthyByService(fleet, now).values()];
        assert.ok(services.length >= 10 && services.length <= 12);
        assert.ok(services.some((s) => s.instances === 1));
        const flaggedLarge = services.filter((s) => s.instances >= 3 && s.healthy < 2);
        assert.ok(flaggedLarge.length >= 2, `at ${now}: ${JSON.stringify(services)}`);
        // Most services are fine: the demo should not look like an outage.
        assert.ok(services.filter((s) => s.healthy >= 2).length >= 7);
      }
    });
  }
});

describe('value models', () => {
  it('fixed: values never change', () => {
    const fleet = createFleet({ ...demo, model: 'fixed' });
    for (const ip of fleet.ips) {
      assert.deepEqual(fleet.statsAt(ip, 0), fleet.statsAt(ip, NOW + 987_654));
    }
  });

  it('uniform: spread over 0..100, a pure function of the time asked', () => {
    const fleet = createFleet({ ...demo, model: 'uniform' });
    const ip = fleet.ips[0]!;
    const cpus = new Set<number>();
    let sum = 0;
    for (let t = 0; t < 2_000; t++) {
      const { cpu } = fleet.statsAt(ip, NOW + t)!;
      cpus.add(cpu);
      sum += cpu;
    }
    assert.ok(cpus.size > 90);
    assert.ok(Math.abs(sum / 2_000 - 50) < 4);
    assert.deepEqual(fleet.statsAt(ip, NOW), fleet.statsAt(ip, NOW));
  });

  it('drift: moves over time, but smoothly from second to second', () => {
    const fleet = createFleet(demo);
    for (const ip of fleet.ips.slice(0, 30)) {
      const seen = new Set<number>();
      let previous = fleet.statsAt(ip, NOW)!;
      for (let s = 1; s <= 600; s++) {
        const next = fleet.statsAt(ip, NOW + s * 1000)!;
        assert.ok(Math.abs(next.cpu - previous.cpu) <= 8, `${ip} cpu jumped`);
        assert.ok(Math.abs(next.memory - previous.memory) <= 4, `${ip} memory jumped`);
        assert.equal(next.service, previous.service);
        seen.add(next.cpu);
        previous = next;
      }
      assert.ok(seen.size >= 4, `${ip} cpu barely moved over 10 minutes`);
    }
  });
});
