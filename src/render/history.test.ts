import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryEvent, HistorySeries } from '../core/history-types.ts';
import { renderEvents, renderHistory } from './history.ts';
import type { RenderOptions } from './options.ts';

const table: RenderOptions = {
  format: 'table',
  color: false,
  rules: { maxCpu: 75, maxMemory: 75, minHealthy: 2 },
};
const at = (ts: number, seconds: boolean) =>
  new Date(ts).toISOString().slice(11, seconds ? 19 : 16);
const T = Date.UTC(2026, 11, 6, 3, 0);

const series: HistorySeries = {
  service: 'Pay',
  from: T,
  to: T + 180_000,
  stepMs: 60_000,
  tier: 'minute',
  ts: [T, T + 60_000, T + 120_000],
  scans: [0, 4, 4],
  samples: [0, 8, 6],
  healthy: [0, 8, 4],
  unreachable: [0, 0, 2],
  cpu: [null, 40, 55.55],
  cpuMin: [null, 30, 50],
  cpuMax: [null, 50, 61],
  memory: [null, 20, 20],
  memoryMin: [null, 20, 20],
  memoryMax: [null, 20, 20],
};

describe('renderHistory', () => {
  it('prints a service as a header with sparklines and one row per point from the first sample', () => {
    assert.equal(
      renderHistory(series, table, at),
      [
        'Pay · 03:00 → 03:03 · step 1m (per-minute rollups)',
        'cpu  ▄▅  mean 47.8%, min 30%, max 61%',
        'mem  ▂▂  mean 20%, min 20%, max 20%',
        'no samples before 03:01',
        '',
        'TIME   INSTANCES  HEALTHY  UNREACHABLE    CPU  MIN  MAX  MEMORY  MIN  MAX',
        '03:01          2        2            0    40%  30%  50%     20%  20%  20%',
        '03:02        1.5        1          0.5  55.6%  50%  61%     20%  20%  20%',
        '',
      ].join('\n'),
    );
  });

  it('gives machines one row per point, counts per scan, times in ISO 8601', () => {
    const rows = JSON.parse(renderHistory(series, { ...table, format: 'json' }, at));
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[2], {
      ts: '2026-12-06T03:02:00.000Z',
      service: 'Pay',
      scans: 4,
      instances: 1.5,
      healthy: 1,
      unhealthy: 0,
      unreachable: 0.5,
      cpu: 55.55,
      cpuMin: 50,
      cpuMax: 61,
      memory: 20,
      memoryMin: 20,
      memoryMax: 20,
    });
    const instance = {
      ...series,
      ip: '10.0.0.1',
      stepMs: null,
      samples: [0, 1, 1],
      scans: [0, 1, 1],
      healthy: [0, 1, 0],
      unreachable: [0, 0, 1],
    };
    const csv = renderHistory(instance, { ...table, format: 'csv' }, at).split('\n');
    assert.equal(
      csv[0],
      'ts,ip,service,samples,status,healthy,unhealthy,unreachable,cpu,cpuMin,cpuMax,memory,memoryMin,memoryMax',
    );
    assert.equal(
      csv[3],
      '2026-12-06T03:02:00.000Z,10.0.0.1,Pay,1,unreachable,0,0,1,55.55,50,61,20,20,20',
    );
  });
});

describe('renderEvents', () => {
  const event = (e: Partial<HistoryEvent>): HistoryEvent => ({
    ts: T,
    scope: 'instance',
    subject: '10.0.0.1',
    service: 'Pay',
    kind: 'changed',
    from: 'healthy',
    to: 'unreachable',
    cpu: null,
    memory: null,
    healthy: null,
    instances: null,
    reason: 'timeout after 5s',
    ...e,
  });

  it('prints each transition with its values or reason', () => {
    const out = renderEvents(
      [
        event({}),
        event({
          ts: T + 1000,
          kind: 'appeared',
          from: null,
          to: 'healthy',
          cpu: 12,
          memory: 30,
          reason: null,
        }),
        event({
          ts: T + 2000,
          scope: 'service',
          subject: 'Pay',
          kind: 'changed',
          from: 'ok',
          to: 'flagged',
          healthy: 1,
          instances: 3,
          reason: null,
        }),
      ],
      table,
      at,
    );
    assert.equal(
      out,
      [
        'TIME      SUBJECT   SERVICE  CHANGE                 CPU  MEMORY  DETAIL',
        '03:00:00  10.0.0.1  Pay      healthy → unreachable    -       -  timeout after 5s',
        '03:00:01  10.0.0.1  Pay      appeared (healthy)     12%     30%',
        '03:00:02  Pay       Pay      ok → FLAGGED                        1 of 3 instances healthy',
        '3 transitions',
        '',
      ].join('\n'),
    );
    assert.equal(renderEvents([], table, at), 'no transitions in this range\n');
  });
});
