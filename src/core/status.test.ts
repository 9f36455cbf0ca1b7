import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statusOf, toInstanceRow } from './status.ts';

describe('statusOf', () => {
  const limits = { maxCpu: 75, maxMemory: 75 };
  const cases: [cpu: number, memory: number, expected: string][] = [
    [0, 0, 'healthy'],
    [74.99, 74.99, 'healthy'],
    [75, 0, 'unhealthy'],
    [0, 75, 'unhealthy'],
    [75, 75, 'unhealthy'],
    [100, 100, 'unhealthy'],
  ];
  for (const [cpu, memory, expected] of cases) {
    it(`cpu ${cpu}% memory ${memory}% is ${expected}`, () => {
      assert.equal(statusOf({ service: 'S', cpu, memory }, limits), expected);
    });
  }

  it('follows configured limits', () => {
    assert.equal(
      statusOf({ service: 'S', cpu: 80, memory: 10 }, { maxCpu: 90, maxMemory: 50 }),
      'healthy',
    );
  });
});

describe('toInstanceRow', () => {
  it('keeps the reason and nulls the numbers of an unreachable instance', () => {
    const row = toInstanceRow(
      { ip: '10.0.0.1', ok: false, service: null, error: 'timeout after 2s', attempts: 3 },
      { maxCpu: 75, maxMemory: 75 },
    );
    assert.deepEqual(row, {
      ip: '10.0.0.1',
      service: null,
      status: 'unreachable',
      cpu: null,
      memory: null,
      error: 'timeout after 2s',
    });
  });
});
