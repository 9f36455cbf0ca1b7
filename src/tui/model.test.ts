import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statusOf } from '../core/status.ts';
import type { InstanceRow } from '../core/types.ts';
import type { Key } from './keys.ts';
import { type MonitorConfig, MonitorModel, type ScanResult } from './model.ts';
import { GONE_FOR_MS } from './roster.ts';

const RULES = { maxCpu: 75, maxMemory: 75, minHealthy: 2 };
const CONFIG: MonitorConfig = {
  rules: RULES,
  color: false,
  historyMs: 60_000,
  intervalMs: 1000,
  formatTime: (ts) => new Date(ts).toISOString().slice(11, 19),
};

function row(ip: string, cpu: number | null, memory: number | null, service = 'Web'): InstanceRow {
  if (cpu === null || memory === null) {
    return { ip, service, status: 'unreachable', cpu: null, memory: null, error: 'HTTP 503' };
  }
  return { ip, service, status: statusOf({ service, cpu, memory }, RULES), cpu, memory };
}

function scan(at: number, rows: InstanceRow[], service = 'Web'): ScanResult {
  return { target: { kind: 'service', name: service }, at, durationMs: 12, rows, retries: 0 };
}

const key = (char: string): Key => ({ name: 'char', char });

describe('MonitorModel: one service', () => {
  it('sorts hot first by default, and reverses on the same key again', () => {
    const m = new MonitorModel(CONFIG, 'Web');
    m.applyScan(
      scan(0, [row('10.0.0.2', 10, 50), row('10.0.0.10', 90, 20), row('10.0.0.3', 50, 90)]),
    );
    assert.deepEqual(
      m.viewRows().map((r) => r.label),
      ['10.0.0.10', '10.0.0.3', '10.0.0.2'],
    );
    m.applyKey(key('m'));
    assert.deepEqual(
      m.viewRows().map((r) => r.label),
      ['10.0.0.3', '10.0.0.2', '10.0.0.10'],
    );
    m.applyKey(key('i'));
    assert.deepEqual(
      m.viewRows().map((r) => r.label),
      ['10.0.0.2', '10.0.0.3', '10.0.0.10'],
    );
    m.applyKey(key('i'));
    assert.deepEqual(
      m.viewRows().map((r) => r.label),
      ['10.0.0.10', '10.0.0.3', '10.0.0.2'],
    );
    m.applyKey(key('s'));
    assert.deepEqual(
      m.viewRows().map((r) => r.state),
      ['unhealthy', 'unhealthy', 'healthy'],
    );
  });

  it('marks newcomers new and leavers gone, and forgets leavers after a while', () => {
    const m = new MonitorModel(CONFIG, 'Web');
    m.applyScan(scan(0, [row('10.0.0.1', 10, 10), row('10.0.0.2', 20, 20)]));
    m.applyScan(scan(1000, [row('10.0.0.1', 10, 10), row('10.0.0.3', 30, 30)]));
    const byIp = new Map(m.viewRows().map((r) => [r.label, r]));
    assert.equal(byIp.get('10.0.0.1')?.fresh, false);
    assert.equal(byIp.get('10.0.0.3')?.fresh, true);
    assert.equal(byIp.get('10.0.0.2')?.state, 'gone');
    assert.equal(byIp.get('10.0.0.2')?.cpu, null);
    m.applyScan(scan(1000 + GONE_FOR_MS, [row('10.0.0.1', 10, 10), row('10.0.0.3', 30, 30)]));
    assert.deepEqual(
      m
        .viewRows()
        .map((r) => r.label)
        .sort(),
      ['10.0.0.1', '10.0.0.3'],
    );
    assert.equal(m.data.instances.history.size, 2, 'history of the evicted instance released');
    assert.equal(m.viewRows().find((r) => r.label === '10.0.0.3')?.fresh, false);
  });

  it('filters as you type; enter keeps, esc clears', () => {
    const m = new MonitorModel(CONFIG, 'Web');
    m.applyScan(
      scan(0, [row('10.0.0.1', 10, 10), row('10.0.1.2', 90, 20), row('10.0.2.3', null, null)]),
    );
    m.applyKey(key('/'));
    for (const c of '0.1.') m.applyKey(key(c));
    assert.deepEqual(
      m.viewRows().map((r) => r.label),
      ['10.0.1.2'],
    );
    m.applyKey({ name: 'backspace' });
    m.applyKey({ name: 'backspace' });
    m.applyKey({ name: 'backspace' });
    m.applyKey({ name: 'backspace' });
    for (const c of 'UNREACH') m.applyKey(key(c));
    m.applyKey({ name: 'enter' });
    assert.equal(m.editingFilter, false);
    assert.deepEqual(
      m.viewRows().map((r) => r.label),
      ['10.0.2.3'],
    );
    assert.equal(m.applyKey(key('q')), 'quit', 'keys act again once the filter is kept');
    m.applyKey({ name: 'escape' });
    assert.equal(m.viewRows().length, 3);
  });

  it('scrolls within bounds by line and page', () => {
    const m = new MonitorModel(CONFIG, 'Web');
    m.applyResize({ columns: 80, rows: 10 }); // 5 table rows
    m.applyScan(
      scan(
        0,
        Array.from({ length: 12 }, (_, i) => row(`10.0.0.${i + 1}`, i, i)),
      ),
    );
    m.applyKey({ name: 'pagedown' });
    assert.equal(m.scroll, 5);
    m.applyKey({ name: 'end' });
    assert.equal(m.scroll, 7);
    m.applyKey({ name: 'down' });
    assert.equal(m.scroll, 7);
    m.applyKey({ name: 'home' });
    m.applyKey({ name: 'up' });
    assert.equal(m.scroll, 0);
    m.applyResize({ columns: 80, rows: 40 });
    m.applyKey({ name: 'end' });
    assert.equal(m.scroll, 0, 'everything fits: no scrolling');
  });

  it('pauses, changes the interval and resizes history, and quits', () => {
    const m = new MonitorModel(CONFIG, 'Web');
    assert.equal(m.applyKey(key(' ')), 'reschedule');
    assert.equal(m.paused, true);
    assert.equal(m.applyKey(key('+')), 'reschedule');
    assert.equal(m.intervalMs, 2000);
    assert.equal(m.data.instances.history.capacity, 30);
    m.applyKey(key('-'));
    m.applyKey(key('-'));
    assert.equal(m.intervalMs, 500);
    assert.equal(m.applyKey(key('q')), 'quit');
    assert.equal(m.applyKey({ name: 'ctrl-c' }), 'quit');
  });

  it('drops results of a target no longer shown', () => {
    const m = new MonitorModel(CONFIG, 'Web');
    m.applyScan(scan(0, [row('10.0.0.1', 10, 10, 'Db')], 'Db'));
    assert.equal(m.hasData, false);
  });
});

describe('MonitorModel: every service', () => {
  const fleet = (at: number, rows: InstanceRow[]): ScanResult => ({
    target: { kind: 'fleet' },
    at,
    durationMs: 30,
    rows,
    retries: 1,
  });

  it('lists services worst first, opens the selected one at once, and goes back with esc', () => {
    const m = new MonitorModel(CONFIG, null);
    m.applyScan(
      fleet(0, [
        row('10.0.0.1', 10, 10, 'Api'),
        row('10.0.0.2', 20, 20, 'Api'),
        row('10.0.0.3', 90, 10, 'Db'),
        row('10.0.0.4', null, null, 'Db'),
      ]),
    );
    assert.deepEqual(
      m.viewRows().map((r) => [r.label, r.state]),
      [
        ['Db', 'flagged'],
        ['Api', 'ok'],
      ],
    );
    assert.equal(m.selected, 'Db');
    m.applyKey({ name: 'down' });
    assert.equal(m.selected, 'Api');
    assert.equal(m.applyKey({ name: 'enter' }), 'rescan');
    assert.deepEqual(m.target, { kind: 'service', name: 'Api' });
    assert.equal(m.viewRows().length, 2, 'instances shown from the last fleet scan');
    assert.equal(m.applyKey({ name: 'escape' }), 'rescan');
    assert.deepEqual(m.target, { kind: 'fleet' });
    assert.equal(m.selected, 'Api');
  });
});

describe('MonitorModel: the recent past from the history store', () => {
  it('opens a service with its instances’ past in the sparklines, outside the session stats', () => {
    const m = new MonitorModel(CONFIG, 'Web');
    const past = {
      ticks: 3,
      series: new Map([
        ['10.0.0.1', { cpu: [10, null, 30], memory: [1, 2, 3] }],
        ['10.0.0.9', { cpu: [99, 99, 99], memory: [99, 99, 99] }],
      ]),
      total: { cpu: [10, 20, 30], memory: [1, 2, 3] },
    };
    m.applyScan({ ...scan(0, [row('10.0.0.1', 40, 4)]), past });
    const series = m.data.instances.history.get('10.0.0.1');
    assert.ok(series);
    assert.deepEqual(m.data.instances.history.recent(series, 'cpu', 10), [10, Number.NaN, 30, 40]);
    assert.deepEqual(
      [series.cpuStats.min, series.cpuStats.max, series.cpuStats.count],
      [40, 40, 1],
    );
    assert.equal(
      m.data.instances.history.get('10.0.0.9'),
      undefined,
      'no line for an instance gone',
    );
    const own = m.data.serviceSeries('Web');
    assert.ok(own);
    assert.deepEqual(m.data.services.history.recent(own, 'cpu', 10).length, 4);
  });

  it('opens the fleet view with each service’s and the fleet’s past', () => {
    const m = new MonitorModel(CONFIG, null);
    const past = {
      ticks: 2,
      series: new Map([['Web', { cpu: [5, 6], memory: [7, 8] }]]),
      total: { cpu: [5, 6], memory: [7, 8] },
    };
    m.applyScan({
      target: { kind: 'fleet' },
      at: 0,
      durationMs: 5,
      rows: [row('10.0.0.1', 40, 4)],
      retries: 0,
      past,
    });
    const web = m.data.services.history.get('Web');
    assert.ok(web);
    assert.deepEqual(m.data.services.history.recent(web, 'cpu', 10), [5, 6, 40]);
    const fleet = m.data.fleet.get('fleet');
    assert.ok(fleet);
    assert.deepEqual(m.data.fleet.recent(fleet, 'memory', 10), [7, 8, 4]);
  });
});
