import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HealthRules } from '../core/types.ts';
import {
  formatUtcTime,
  type MonitorTick,
  renderMonitorNdjson,
  renderMonitorTable,
} from './monitor.ts';
import type { RenderOptions } from './options.ts';

const rules: HealthRules = { maxCpu: 75, maxMemory: 75, minHealthy: 2 };
const opts: RenderOptions = { format: 'table', color: false, rules };

const tick: MonitorTick = {
  ts: Date.UTC(2026, 10, 22, 5, 10, 3, 250),
  service: 'UserService',
  rows: [
    { ip: '10.58.1.121', service: 'UserService', status: 'healthy', cpu: 61, memory: 4 },
    {
      ip: '10.58.1.7',
      service: 'UserService',
      status: 'unreachable',
      cpu: null,
      memory: null,
      error: 'HTTP 503',
    },
  ],
};

describe('monitor', () => {
  it('ndjson: ISO timestamp first, error only on unreachable rows', () => {
    assert.equal(
      renderMonitorNdjson(tick),
      `{"ts":"2026-11-22T05:10:03.250Z","ip":"10.58.1.121","service":"UserService","status":"healthy","cpu":61,"memory":4}
{"ts":"2026-11-22T05:10:03.250Z","ip":"10.58.1.7","service":"UserService","status":"unreachable","cpu":null,"memory":null,"error":"HTTP 503"}
`,
    );
    assert.equal(renderMonitorNdjson({ ...tick, rows: [] }), '');
  });

  it('table: a UTC-stamped header line, then the instance table', () => {
    assert.equal(
      renderMonitorTable(tick, opts),
      `── 2026-11-22 05:10:03Z UserService: 2 instances, 1 healthy ──
IP           SERVICE      STATUS       CPU  MEMORY  REASON
10.58.1.121  UserService  healthy      61%      4%
10.58.1.7    UserService  unreachable    -       -  HTTP 503
`,
    );
  });

  it('table: takes a time formatter (e.g. local time) and handles an empty tick', () => {
    assert.equal(
      renderMonitorTable({ ...tick, rows: [] }, opts, (ts) => `t=${ts}`),
      `── t=${tick.ts} UserService: 0 instances, 0 healthy ──
no instances
`,
    );
  });

  it('formatUtcTime drops milliseconds and marks UTC', () => {
    assert.equal(formatUtcTime(Date.UTC(2026, 0, 2, 3, 4, 5, 999)), '2026-01-02 03:04:05Z');
  });
});
