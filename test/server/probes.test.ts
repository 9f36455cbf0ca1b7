import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeResult } from '../../src/core/probe-types.ts';
import { ProbeBoard } from '../../src/probe/probe-board.ts';
import { testSpec } from '../../src/probe/probe-spec.test-helper.ts';
import type { ProbeSpec } from '../../src/probe/probe-spec.ts';
import { createHttpApp } from '../../src/server/app.ts';
import { LiveState } from '../../src/server/live-state.ts';
import { createFleetMetrics } from '../../src/server/metrics.ts';
import { renderProbeGauges } from '../../src/server/probe-exposition.ts';
import { RULES } from '../../src/server/test-fixtures.test-helper.ts';
import { createMemoryStore } from '../../src/store/memory/memory-store.ts';
import { FakeClock } from '../../src/time/fake-clock.test-helper.ts';
import { parsePrometheusText } from '../helpers/prom-text.ts';

// The probe side of `serve` without a socket: /api/v1/probes, its history, and the
// fleetmon_probe_* families, checked by the spec-written parser.

const NOW = 1_800_000_000_000;

const spec = (name: string, extra: Partial<ProbeSpec> = {}): ProbeSpec =>
  testSpec(`http://user:secret@127.0.0.1:9001/${name}`, { name, timeoutMs: 5000, ...extra });

const run = (probe: string, ts: number, extra: Partial<ProbeResult> = {}): ProbeResult => ({
  probe,
  url: `http://user:***@127.0.0.1:9001/${probe}`,
  ts,
  ok: true,
  verdict: 'ok',
  status: 200,
  latencyMs: 12.5,
  offsetMs: null,
  uncertaintyMs: null,
  failure: null,
  reason: null,
  durationMs: 12.5,
  requests: 1,
  ...extra,
});

function setup() {
  const board = new ProbeBoard({ windowMs: 3_600_000, now: () => NOW });
  board.setSpecs([
    spec('time', {
      clock: { maxSkewMs: 1000, source: 'auto', requests: 6 },
      labels: { team: 'core', zone: 'a"b' },
    }),
    spec('api'),
    spec('never'),
  ]);
  board.record(
    run('time', NOW - 10_000, { offsetMs: 1502.25, uncertaintyMs: 0.75, clockSource: 'body' }),
  );
  board.record(
    run('time', NOW - 5000, {
      ok: false,
      verdict: 'skewed',
      offsetMs: 1500,
      uncertaintyMs: 0.5,
      clockSource: 'body',
      failure: 'clock_skew',
      reason: 'clock 1.500 s ahead (± 0.50 ms), beyond ±1s',
    }),
  );
  board.record(
    run('api', NOW - 4000, {
      ok: false,
      verdict: 'down',
      status: null,
      latencyMs: null,
      durationMs: 5000,
      failure: 'timeout',
      reason: 'no answer within 5s',
    }),
  );
  const clock = new FakeClock({ wallStart: NOW });
  const metrics = createFleetMetrics({ version: '1', build: '1', commit: 'c' }, clock, {
    extra: () => renderProbeGauges(board.list()),
  });
  const app = createHttpApp({
    state: new LiveState(createMemoryStore({ windowMs: 3_600_000, maxScans: 10 }).history),
    metrics,
    auth: {},
    clock,
    version: { version: '1', build: '1', commit: 'c' },
    assets: new Map(),
    settings: { provider: 'http://127.0.0.1:9001', intervalMs: 15_000, rules: RULES },
    probes: board,
  });
  return { app, board };
}

describe('/api/v1/probes', () => {
  it('lists every configured probe with its last result, in seconds, passwords hidden', async () => {
    const { app } = setup();
    const res = await app.request('/api/v1/probes');
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      probes: { name: string; url: string; clock: unknown; last: Record<string, unknown> | null }[];
    };
    assert.deepEqual(
      body.probes.map((p) => p.name),
      ['time', 'api', 'never'],
    );
    const [time, api, never] = body.probes;
    assert.equal(time?.url, 'http://user:***@127.0.0.1:9001/time');
    assert.deepEqual(time?.clock, { maxSkewSeconds: 1, source: 'auto' });
    assert.deepEqual(time?.last, {
      name: 'time',
      url: 'http://user:***@127.0.0.1:9001/time',
      ts: new Date(NOW - 5000).toISOString(),
      ok: false,
      verdict: 'skewed',
      status: 200,
      latencySeconds: 0.0125,
      offsetSeconds: 1.5,
      uncertaintySeconds: 0.0005,
      clockSource: 'body',
      failure: 'clock_skew',
      reason: 'clock 1.500 s ahead (± 0.50 ms), beyond ±1s',
    });
    assert.equal(api?.last?.verdict, 'down');
    assert.equal(never?.last, null);
  });

  it('answers 304 while nothing changed, and a new ETag after a result', async () => {
    const { app, board } = setup();
    const first = await app.request('/api/v1/probes');
    const etag = first.headers.get('etag') ?? '';
    assert.equal(
      (await app.request('/api/v1/probes', { headers: { 'If-None-Match': etag } })).status,
      304,
    );
    board.record(run('api', NOW));
    assert.equal(
      (await app.request('/api/v1/probes', { headers: { 'If-None-Match': etag } })).status,
      200,
    );
  });

  it('serves a probe history for charts, and says which probes exist otherwise', async () => {
    const { app } = setup();
    const res = await app.request('/api/v1/probes/history?probe=time&since=7s');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      probe: 'time',
      windowMs: 3_600_000,
      ts: [NOW - 5000],
      latencySeconds: [0.0125],
      offsetSeconds: [1.5],
      uncertaintySeconds: [0.0005],
      verdict: ['skewed'],
    });
    const missing = await app.request('/api/v1/probes/history?probe=nope');
    assert.equal(missing.status, 404);
    assert.match(
      ((await missing.json()) as { message: string }).message,
      /no probe named "nope"; probes: time, api, never/,
    );
    assert.equal((await app.request('/api/v1/probes/history')).status, 400);
    assert.equal((await app.request('/api/v1/probes/history?probe=time&since=soon')).status, 400);
  });
});

describe('fleetmon_probe_* in /metrics', () => {
  it('parses, names every promised family, and carries the probe name and its labels', async () => {
    const { app } = setup();
    const text = await (await app.request('/metrics')).text();
    const families = parsePrometheusText(text);
    const samples = (name: string) => families.get(name)?.samples ?? [];
    for (const name of [
      'fleetmon_probe_success',
      'fleetmon_probe_duration_seconds',
      'fleetmon_probe_http_status_code',
      'fleetmon_probe_clock_offset_seconds',
      'fleetmon_probe_clock_uncertainty_seconds',
      'fleetmon_probe_failure_info',
    ]) {
      assert.equal(families.get(name)?.type, 'gauge', name);
    }
    const time = { probe: 'time', team: 'core', zone: 'a"b' };
    assert.deepEqual(
      samples('fleetmon_probe_success').map((s) => [s.labels, s.value]),
      [
        [time, 0],
        [{ probe: 'api' }, 0],
      ],
    );
    assert.deepEqual(
      samples('fleetmon_probe_clock_offset_seconds').map((s) => [s.labels, s.value]),
      [[time, 1.5]],
    );
    assert.deepEqual(
      samples('fleetmon_probe_clock_uncertainty_seconds').map((s) => s.value),
      [0.0005],
    );
    assert.deepEqual(
      samples('fleetmon_probe_http_status_code').map((s) => s.labels.probe),
      ['time'],
      'no status when no answer came',
    );
    assert.deepEqual(
      samples('fleetmon_probe_duration_seconds').map((s) => s.value),
      [0.0125, 5],
    );
    assert.deepEqual(
      samples('fleetmon_probe_failure_info').map((s) => s.labels),
      [
        { probe: 'time', reason: 'clock_skew', team: 'core', zone: 'a"b' },
        { probe: 'api', reason: 'timeout' },
      ],
    );
  });

  it('has the families but no series before any probe ran', () => {
    const families = parsePrometheusText(renderProbeGauges([]));
    assert.equal(families.get('fleetmon_probe_success')?.samples.length, 0);
  });
});
