import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeResult } from '../core/probe-types.ts';
import type { OutputFormat } from './options.ts';
import { renderProbes } from './probes.ts';
import { stripAnsi } from './style.ts';

const TS = Date.UTC(2026, 0, 2, 3, 4, 5);
const base = { ts: TS, requests: 1 };

const results: ProbeResult[] = [
  {
    ...base,
    probe: 'time',
    url: 'http://10.0.0.5:9001/now',
    ok: false,
    verdict: 'skewed',
    status: 200,
    latencyMs: 3.25,
    offsetMs: 1502.4,
    uncertaintyMs: 0.6,
    clockSource: 'body',
    failure: 'clock_skew',
    reason: 'clock 1.502 s ahead (± 0.60 ms), beyond ±1s',
  },
  {
    ...base,
    probe: 'api',
    url: 'https://api.example.com/health',
    ok: true,
    verdict: 'ok',
    status: 204,
    latencyMs: 120,
    offsetMs: -40,
    uncertaintyMs: 70,
    clockSource: 'date',
    requests: 4,
    failure: null,
    reason: null,
  },
  {
    ...base,
    probe: 'gone',
    url: 'http://10.0.0.9/',
    ok: false,
    verdict: 'down',
    status: null,
    latencyMs: null,
    offsetMs: null,
    uncertaintyMs: null,
    failure: 'connect',
    reason: '10.0.0.9:80: connection refused (ECONNREFUSED)',
  },
];

const render = (format: OutputFormat, rows = results) =>
  renderProbes(rows, { format, color: false });
const footer =
  '3 probes: 1 ok, 1 skewed, 1 down, 0 unknown · offset = their clock minus ours, ± the bound on its error';

describe('renderProbes', () => {
  it('table: verdict, status, latency, offset ± error, reason', () => {
    assert.equal(
      render('table'),
      `PROBE  VERDICT  STATUS  LATENCY              OFFSET  REASON
time   skewed      200   3.3 ms  +1.502 s ± 0.60 ms  clock 1.502 s ahead (± 0.60 ms), beyond ±1s
api    ok          204   120 ms      -40 ms ± 70 ms
gone   down          —        —                   —  10.0.0.9:80: connection refused (ECONNREFUSED)
${footer}
`,
    );
  });

  it('wide adds the URL, where the clock reading came from, and the requests', () => {
    const [header, first] = render('wide').split('\n');
    assert.equal(
      header,
      'PROBE  URL                             VERDICT  STATUS  LATENCY              OFFSET  CLOCK  REQUESTS  REASON',
    );
    assert.match(
      first ?? '',
      /^time {3}http:\/\/10\.0\.0\.5:9001\/now\s+skewed .* body\s+1 {2}clock/,
    );
  });

  it('one-shot checks of URLs name the column URL and say nothing of offsets without any', () => {
    const url = { ...results[2], probe: 'http://10.0.0.9/' } as ProbeResult;
    assert.equal(
      render('table', [url]),
      `URL               VERDICT  STATUS  LATENCY  OFFSET  REASON
http://10.0.0.9/  down          —        —       —  10.0.0.9:80: connection refused (ECONNREFUSED)
1 probe: 0 ok, 0 skewed, 1 down, 0 unknown
`,
    );
  });

  it('colours the verdict on a terminal only', () => {
    const colored = renderProbes(results, { format: 'table', color: true });
    assert.ok(colored.includes('\u001b[31mskewed\u001b[0m'));
    assert.equal(stripAnsi(colored), render('table'));
  });

  it('json and ndjson: seconds, numbers as numbers, every key always there', () => {
    const [first] = JSON.parse(render('json')) as Record<string, unknown>[];
    assert.deepEqual(first, {
      name: 'time',
      url: 'http://10.0.0.5:9001/now',
      ts: '2026-01-02T03:04:05.000Z',
      ok: false,
      verdict: 'skewed',
      status: 200,
      latencySeconds: 0.00325,
      offsetSeconds: 1.5024,
      uncertaintySeconds: 0.0006,
      clockSource: 'body',
      failure: 'clock_skew',
      reason: 'clock 1.502 s ahead (± 0.60 ms), beyond ±1s',
    });
    const lines = render('ndjson').trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.deepEqual(JSON.parse(lines[2] ?? ''), { ...JSON.parse(render('json'))[2] });
    assert.equal(render('json', []), '[]\n');
  });

  it('csv: a header, and empty fields for unknown values', () => {
    const [header, , , gone] = render('csv').split('\n');
    assert.equal(
      header,
      'name,url,ts,ok,verdict,status,latencySeconds,offsetSeconds,uncertaintySeconds,clockSource,failure,reason',
    );
    assert.equal(
      gone,
      'gone,http://10.0.0.9/,2026-01-02T03:04:05.000Z,false,down,,,,,,connect,10.0.0.9:80: connection refused (ECONNREFUSED)',
    );
  });
});
