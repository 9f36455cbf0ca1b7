import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statusOf } from '../core/status.ts';
import type { InstanceRow } from '../core/types.ts';
import { stripAnsi } from '../render/index.ts';
import { renderFrame } from './frame.ts';
import type { Size } from './layout.ts';
import { type MonitorConfig, MonitorModel } from './model.ts';

const RULES = { maxCpu: 75, maxMemory: 75, minHealthy: 2 };

function config(color = false): MonitorConfig {
  return {
    rules: RULES,
    color,
    historyMs: 60_000,
    intervalMs: 5000,
    formatTime: (ts) => new Date(ts).toISOString().slice(11, 19),
  };
}

function row(ip: string, cpu: number | null, memory: number | null, service = 'Web'): InstanceRow {
  if (cpu === null || memory === null) {
    return {
      ip,
      service,
      status: 'unreachable',
      cpu: null,
      memory: null,
      error: 'timeout after 5s',
    };
  }
  return { ip, service, status: statusOf({ service, cpu, memory }, RULES), cpu, memory };
}

/** A fixed history: three ticks of a small service, with one instance leaving and one arriving. */
function webModel(color = false): MonitorModel {
  const m = new MonitorModel(config(color), 'Web');
  const ticks: InstanceRow[][] = [
    [row('10.0.0.1', 20, 30), row('10.0.0.2', 80, 40), row('10.0.0.3', 50, 50)],
    [row('10.0.0.1', 30, 30), row('10.0.0.2', 90, 40), row('10.0.0.3', 50, 60)],
    [row('10.0.0.1', 40, 30), row('10.0.0.2', 100, 45), row('10.0.0.4', null, null)],
  ];
  ticks.forEach((rows, i) => {
    m.applyScan({
      target: { kind: 'service', name: 'web' },
      at: Date.UTC(2026, 10, 22, 5, 0, i * 5),
      durationMs: 12,
      rows,
      retries: i,
      serviceName: 'Web',
    });
  });
  return m;
}

function frame(m: MonitorModel, size: Size): string[] {
  m.applyResize(size);
  return renderFrame(m, size);
}

function assertFits(lines: readonly string[], size: Size): void {
  assert.equal(lines.length, size.rows);
  for (const line of lines) {
    assert.ok(
      Array.from(stripAnsi(line)).length <= size.columns,
      `too wide: ${JSON.stringify(line)}`,
    );
  }
}

describe('renderFrame: one service', () => {
  it('draws header, instances and footer at 80×12', () => {
    const size = { columns: 80, rows: 12 };
    const lines = frame(webModel(), size);
    assertFits(lines, size);
    assert.deepEqual(lines, [
      'Web  3 instances  1 healthy (needs 2)  FLAGGED',
      'cpu    70%                         ▅▅▆  mem  37.5%                         ▄▄▄',
      'every 5s · last 05:00:10 in 12ms · 1 unreachable · 2 retries · 1 new · 1 gone',
      ' IP       STATUS        CPU            min avg max   MEM            min avg max',
      ' 10.0.0.2 unhealthy    100%        ▇██  80  90 100   45%        ▄▄▄  40  42  45',
      ' 10.0.0.1 healthy       40%        ▂▃▄  20  30  40   30%        ▃▃▃  30  30  30',
      ' 10.0.0.3 gone            -        ▅▅   50  50  50     -        ▅▅   50  55  60',
      '+10.0.0.4 unreachable     -              -   -   -     -              -   -   -',
      '',
      '',
      '',
      'q quit  ? help  esc services  / filter  c m i s sort            sort cpu↓  1-4/4',
    ]);
  });

  it('shows the reason of unreachable instances and longer sparklines at 200×50', () => {
    const size = { columns: 200, rows: 50 };
    const lines = frame(webModel(), size);
    assertFits(lines, size);
    assert.match(lines[3] ?? '', /REASON$/);
    assert.match(lines.find((l) => l.includes('10.0.0.4')) ?? '', /unreachable.*timeout after 5s$/);
    assert.match(lines.at(-1) ?? '', /\+- interval +sort cpu↓ {2}1-4\/4$/);
  });

  it('colours statuses and values over the limit, and only when asked', () => {
    const size = { columns: 100, rows: 12 };
    assert.ok(frame(webModel(false), size).every((l) => !l.includes('\x1b')));
    const colored = frame(webModel(true), size);
    const hot = colored.find((l) => l.includes('10.0.0.2')) ?? '';
    assert.ok(hot.includes('\x1b[33munhealthy'), hot);
    assert.ok(hot.includes('\x1b[33m100%'), hot);
    const down = colored.find((l) => l.includes('10.0.0.4')) ?? '';
    assert.ok(down.includes('\x1b[31munreachable'), down);
    const gone = colored.find((l) => l.includes('10.0.0.3')) ?? '';
    assert.ok(gone.startsWith('\x1b[2m'), 'gone rows dimmed');
  });

  it('shows bidi overrides and zero-width characters in names, not their effect', () => {
    const m = new MonitorModel(config(), 'Web');
    m.applyScan({
      target: { kind: 'service', name: 'web' },
      at: Date.UTC(2026, 10, 22, 5, 0, 0),
      durationMs: 12,
      rows: [
        row('10.0.0.1', 20, 30, 'W\u202eeb\u200b'),
        row('10.0.0.2', null, null, 'W\u202eeb\u200b'),
      ],
      retries: 0,
      serviceName: 'W\u202eeb\u200b',
    });
    const lines = frame(m, { columns: 200, rows: 10 });
    assert.ok(
      lines.every((l) => !/[\u200b\u202e]/.test(l)),
      lines.join('\n'),
    );
    assert.match(lines[0] ?? '', /^W\uFFFDeb\uFFFD {2}2 instances/);
  });

  it('fits any size, down to a tiny window', () => {
    for (const size of [
      { columns: 20, rows: 5 },
      { columns: 60, rows: 9 },
      { columns: 1, rows: 1 },
    ]) {
      assertFits(frame(webModel(true), size), size);
    }
  });

  it('shows the filter being typed, the pause, and the help screen', () => {
    const m = webModel();
    const size = { columns: 80, rows: 12 };
    m.applyKey({ name: 'char', char: ' ' });
    m.applyKey({ name: 'char', char: '/' });
    m.applyKey({ name: 'char', char: '.2' });
    let lines = frame(m, size);
    assert.match(lines[0] ?? '', /FLAGGED +PAUSED$/);
    assert.match(lines[2] ?? '', /^paused \(every 5s\)/);
    assert.deepEqual(
      lines.slice(4, 6).map((l) => l.slice(0, 10)),
      [' 10.0.0.2 ', ''],
    );
    assert.match(lines.at(-1) ?? '', /^\/\.2_ {2}enter keep {2}esc clear +sort cpu↓ {2}1-1\/1$/);
    m.applyKey({ name: 'enter' });
    m.applyKey({ name: 'char', char: '?' });
    lines = frame(m, size);
    assert.equal(lines[3], 'Keys (one service)');
  });

  it('draws only the rows on screen with 1,000 instances', () => {
    const m = new MonitorModel(config(true), 'Big');
    for (let t = 0; t < 30; t++) {
      m.applyScan({
        target: { kind: 'service', name: 'Big' },
        at: t * 5000,
        durationMs: 100,
        retries: 0,
        rows: Array.from({ length: 1000 }, (_, i) =>
          row(`10.1.${i >> 8}.${i & 255}`, (i * 7 + t) % 101, (i * 3) % 101, 'Big'),
        ),
      });
    }
    const size = { columns: 80, rows: 24 };
    const lines = frame(m, size);
    assertFits(lines, size);
    assert.match(stripAnsi(lines.at(-1) ?? ''), /1-19\/1000$/);
  });
});

describe('renderFrame: every service', () => {
  it('lists services with the selection marked', () => {
    const m = new MonitorModel(config(), null);
    m.applyScan({
      target: { kind: 'fleet' },
      at: Date.UTC(2026, 10, 22, 5, 0, 0),
      durationMs: 40,
      retries: 0,
      rows: [
        row('10.0.0.1', 10, 20, 'Api'),
        row('10.0.0.2', 30, 40, 'Api'),
        row('10.0.0.3', 90, 10, 'Db'),
        {
          ip: '10.0.0.9',
          service: null,
          status: 'unreachable',
          cpu: null,
          memory: null,
          error: 'x',
        },
      ],
    });
    const size = { columns: 80, rows: 10 };
    const lines = frame(m, size);
    assertFits(lines, size);
    assert.deepEqual(lines.slice(0, 7), [
      'All services  2 services  4 instances  1 FLAGGED',
      'cpu  43.3%                           ▄  mem  23.3%                           ▂',
      'every 5s · last 05:00:00 in 40ms · 1 unreachable · 0 retries',
      ' SERVICE            STATUS   HEALTHY  UNREACH    CPU              MEM',
      '>Db                 FLAGGED      0/1        0    90%         █    10%         ▁',
      ' Api                ok           2/2        0    20%         ▂    30%         ▃',
      ' (unknown service)  -            0/1        1      -                -',
    ]);
  });
});
