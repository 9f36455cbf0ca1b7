import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { healthOf, summarizeServices } from './services.ts';
import { toInstanceRow } from './status.ts';
import type { HealthRules, InstanceRow, Reading } from './types.ts';

const RULES: HealthRules = { maxCpu: 75, maxMemory: 75, minHealthy: 2 };

function up(ip: string, service: string, cpu: number, memory: number): InstanceRow {
  const reading: Reading = { ip, ok: true, stats: { service, cpu, memory }, attempts: 1 };
  return toInstanceRow(reading, RULES);
}

function down(ip: string, service: string | null, error = 'HTTP 500'): InstanceRow {
  return toInstanceRow({ ip, ok: false, service, error, attempts: 3 }, RULES);
}

describe('summarizeServices', () => {
  it('returns nothing for an empty fleet', () => {
    assert.deepEqual(summarizeServices([], RULES), []);
    assert.deepEqual(healthOf([], RULES), []);
  });

  it('counts statuses and averages over the instances that answered', () => {
    const rows = [
      up('10.0.0.1', 'Auth', 10, 20),
      up('10.0.0.2', 'Auth', 80, 30),
      down('10.0.0.3', 'Auth'),
    ];
    assert.deepEqual(summarizeServices(rows, RULES), [
      {
        service: 'Auth',
        instances: 3,
        healthy: 1,
        unhealthy: 1,
        unreachable: 1,
        cpu: 45,
        memory: 25,
        status: 'flagged',
      },
    ]);
  });

  it('gives null means when no instance of a service answered', () => {
    const [row] = summarizeServices([down('10.0.0.1', 'Geo'), down('10.0.0.2', 'Geo')], RULES);
    assert.equal(row?.cpu, null);
    assert.equal(row?.memory, null);
    assert.equal(row?.status, 'flagged');
  });

  it('orders services by name and puts instances of unknown service last', () => {
    const rows = [
      down('10.0.0.9', null),
      up('10.0.0.1', 'Zeta', 1, 1),
      up('10.0.0.2', 'Alpha', 1, 1),
    ];
    assert.deepEqual(
      summarizeServices(rows, RULES).map((s) => s.service),
      ['Alpha', 'Zeta', null],
    );
  });
});

describe('healthOf', () => {
  const cases: { name: string; rows: InstanceRow[]; minHealthy: number; status: string }[] = [
    {
      name: 'single instance, quorum 2',
      rows: [up('1.1.1.1', 'S', 1, 1)],
      minHealthy: 2,
      status: 'flagged',
    },
    {
      name: 'single instance, quorum 1',
      rows: [up('1.1.1.1', 'S', 1, 1)],
      minHealthy: 1,
      status: 'ok',
    },
    {
      name: 'zero healthy instances',
      rows: [up('1.1.1.1', 'S', 90, 1), up('1.1.1.2', 'S', 1, 90)],
      minHealthy: 2,
      status: 'flagged',
    },
    {
      name: 'exactly N healthy is ok (the rule is < N)',
      rows: [up('1.1.1.1', 'S', 74, 74), up('1.1.1.2', 'S', 0, 0), up('1.1.1.3', 'S', 75, 0)],
      minHealthy: 2,
      status: 'ok',
    },
    {
      name: 'all unreachable',
      rows: [down('1.1.1.1', 'S'), down('1.1.1.2', 'S')],
      minHealthy: 2,
      status: 'flagged',
    },
    { name: 'quorum 0 is always ok', rows: [down('1.1.1.1', 'S')], minHealthy: 0, status: 'ok' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const rules = { ...RULES, minHealthy: c.minHealthy };
      const [row] = healthOf(summarizeServices(c.rows, rules), rules);
      assert.equal(row?.status, c.status);
      assert.equal(row?.required, c.minHealthy);
    });
  }

  it('leaves instances of unknown service out of every quorum', () => {
    const rows = [down('1.1.1.1', null), up('1.1.1.2', 'S', 1, 1), up('1.1.1.3', 'S', 1, 1)];
    assert.deepEqual(healthOf(summarizeServices(rows, RULES), RULES), [
      { service: 'S', instances: 2, healthy: 2, required: 2, status: 'ok' },
    ]);
  });
});
