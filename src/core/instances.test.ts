import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterInstances, sortInstances } from './instances.ts';
import { compareIp } from './ip.ts';
import type { InstanceRow } from './types.ts';

const rows: InstanceRow[] = [
  { ip: '10.0.0.10', service: 'B', status: 'healthy', cpu: 20, memory: 5 },
  { ip: '10.0.0.9', service: 'A', status: 'unhealthy', cpu: 90, memory: 5 },
  { ip: '10.0.0.100', service: null, status: 'unreachable', cpu: null, memory: null, error: 'x' },
  { ip: '9.255.255.255', service: 'A', status: 'healthy', cpu: 20, memory: 50 },
];
const ips = (list: InstanceRow[]) => list.map((r) => r.ip);

describe('compareIp', () => {
  it('sorts IPv4 numerically, then other addresses as text', () => {
    const sorted = ['10.0.0.10', '::1', '10.0.0.9', '9.1.1.1', '10.0.0.100', 'fe80::1'].sort(
      compareIp,
    );
    assert.deepEqual(sorted, ['9.1.1.1', '10.0.0.9', '10.0.0.10', '10.0.0.100', '::1', 'fe80::1']);
  });
});

describe('sortInstances', () => {
  it('sorts by ip numerically', () => {
    assert.deepEqual(ips(sortInstances(rows, { field: 'ip', descending: false })), [
      '9.255.255.255',
      '10.0.0.9',
      '10.0.0.10',
      '10.0.0.100',
    ]);
  });

  it('sorts by cpu descending with unknown values last and ties by ip', () => {
    assert.deepEqual(ips(sortInstances(rows, { field: 'cpu', descending: true })), [
      '10.0.0.9',
      '9.255.255.255',
      '10.0.0.10',
      '10.0.0.100',
    ]);
  });

  it('puts the worst status first', () => {
    assert.deepEqual(
      sortInstances(rows, { field: 'status', descending: false }).map((r) => r.status),
      ['unreachable', 'unhealthy', 'healthy', 'healthy'],
    );
  });

  it('does not modify its input', () => {
    const before = ips(rows);
    sortInstances(rows, { field: 'memory', descending: true });
    assert.deepEqual(ips(rows), before);
  });
});

describe('filterInstances', () => {
  it('matches services case-insensitively and statuses exactly', () => {
    assert.deepEqual(ips(filterInstances(rows, { services: ['a'] })), [
      '10.0.0.9',
      '9.255.255.255',
    ]);
    assert.deepEqual(ips(filterInstances(rows, { services: ['a'], statuses: ['healthy'] })), [
      '9.255.255.255',
    ]);
    assert.deepEqual(ips(filterInstances(rows, {})), ips(rows));
  });
});
