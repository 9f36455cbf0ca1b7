import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { ProbeResult } from '../core/probe-types.ts';
import { FakeClock } from '../time/fake-clock.test-helper.ts';
import { testSpec } from './probe-spec.test-helper.ts';
import type { ProbeSpec } from './probe-spec.ts';
import type { ProbeRunner } from './run-probe.ts';
import { ProbeScheduler } from './scheduler.ts';

function spec(name: string, intervalMs: number, extra: Partial<ProbeSpec> = {}): ProbeSpec {
  return testSpec(`http://127.0.0.1/${name}`, {
    name,
    intervalMs,
    timeoutMs: intervalMs,
    ...extra,
  });
}

let clock: FakeClock;
let results: ProbeResult[];
let logs: string[];
let started: { name: string; at: number; previous: number | undefined; aborted: () => boolean }[];
/** How long each run takes on the fake clock, by probe name (default 10 ms). */
let durations: Map<string, number>;

/** A runner that takes its duration on the fake clock, and ends at once when aborted. */
const runner: ProbeRunner = (s, signal, previous) =>
  new Promise((resolve) => {
    const at = clock.now();
    started.push({
      name: s.name,
      at,
      previous: previous?.ts,
      aborted: () => signal?.aborted === true,
    });
    const result: ProbeResult = {
      probe: s.name,
      url: s.url,
      ts: at,
      ok: true,
      verdict: 'ok',
      status: 200,
      latencyMs: 1,
      offsetMs: null,
      uncertaintyMs: null,
      failure: null,
      reason: null,
    };
    const timer = clock.setTimeout(() => resolve(result), durations.get(s.name) ?? 10);
    signal?.addEventListener('abort', () => {
      clock.clearTimeout(timer);
      resolve({ ...result, ok: false, verdict: 'down', failure: 'timeout', reason: 'stopped' });
    });
  });

function scheduler(): ProbeScheduler {
  return new ProbeScheduler({
    run: runner,
    clock,
    onResult: (r) => results.push(r),
    log: (line) => logs.push(line),
  });
}

const startsOf = (name: string) => started.filter((s) => s.name === name).map((s) => s.at);

beforeEach(() => {
  clock = new FakeClock();
  results = [];
  logs = [];
  started = [];
  durations = new Map();
});

describe('ProbeScheduler', () => {
  it('runs each probe within its first interval, then at a fixed rate', async () => {
    const s = scheduler();
    s.update([spec('a', 1000), spec('b', 3000)]);
    await clock.advance(10_000);
    const a = startsOf('a');
    const b = startsOf('b');
    assert.ok((a[0] ?? -1) >= 0 && (a[0] ?? 1e9) < 1000);
    assert.deepEqual(
      a.map((t) => t - (a[0] ?? 0)),
      a.map((_, i) => i * 1000),
    );
    assert.deepEqual(
      b.map((t) => t - (b[0] ?? 0)),
      b.map((_, i) => i * 3000),
    );
    // Runs take 10 ms: those that started in the last 10 ms have not ended yet.
    const ended = started.filter((r) => r.at + 10 <= clock.now()).length;
    assert.equal(results.length, ended);
    // First runs fall on a 250 ms grid, so probes due together share the event loop's wake-ups.
    assert.equal((a[0] ?? 1) % 250, 0);
    // Each run gets the result of the one before (a clock reading plans from it).
    const runsOfA = started.filter((r) => r.name === 'a');
    assert.equal(runsOfA[0]?.previous, undefined);
    assert.equal(runsOfA[1]?.previous, runsOfA[0]?.at);
    await s.stop();
  });

  it('skips a tick while the previous run is still going, never piling runs up', async () => {
    durations.set('slow', 2500);
    const s = scheduler();
    s.update([spec('slow', 1000)]);
    await clock.advance(10_000);
    const starts = startsOf('slow');
    for (let i = 1; i < starts.length; i++) {
      assert.equal((starts[i] ?? 0) - (starts[i - 1] ?? 0), 3000);
    }
    assert.ok(s.inFlight <= 1);
    await s.stop();
  });

  it('applies a reload: adds, removes (aborting its run), restarts changed, keeps the rhythm of the rest', async () => {
    durations.set('gone', 800);
    const s = scheduler();
    s.update([spec('kept', 1000), spec('gone', 1000), spec('changed', 1000)]);
    await clock.advance(2000);
    const keptBefore = startsOf('kept');
    // Reload while `gone` may be mid-run.
    const goneRuns = startsOf('gone').length;
    const change = s.update([
      spec('kept', 1000),
      spec('changed', 1000, { method: 'HEAD' }),
      spec('new', 1000),
    ]);
    assert.deepEqual(change, { added: ['new'], removed: ['gone'], changed: ['changed'] });
    assert.deepEqual(
      s.specs.map((p) => p.name),
      ['kept', 'changed', 'new'],
    );
    const goneResults = results.filter((r) => r.probe === 'gone').length;
    await clock.advance(5000);
    assert.equal(startsOf('gone').length, goneRuns, 'removed probes do not run again');
    assert.equal(
      results.filter((r) => r.probe === 'gone').length,
      goneResults,
      'an aborted run records nothing',
    );
    assert.ok(startsOf('new').length >= 4);
    const kept = startsOf('kept');
    assert.equal(
      (kept[keptBefore.length] ?? 0) - (keptBefore.at(-1) ?? 0),
      1000,
      'kept probes keep their rhythm',
    );
    assert.ok(started.filter((r) => r.name === 'changed').length >= 5);
    await s.stop();
  });

  it('stops: no timer left, runs in flight aborted and awaited, no result afterwards', async () => {
    durations.set('a', 5000);
    const s = scheduler();
    s.update([spec('a', 10_000), spec('b', 1000)]);
    await clock.advance(4000);
    assert.equal(s.inFlight, 1);
    const before = results.length;
    await s.stop();
    assert.equal(clock.pending().length, 0);
    assert.equal(s.inFlight, 0);
    assert.ok(started.find((r) => r.name === 'a')?.aborted());
    await clock.advance(20_000);
    assert.equal(results.length, before);
    assert.deepEqual(s.update([spec('c', 1000)]), { added: [], removed: [], changed: [] });
    assert.equal(clock.pending().length, 0);
  });

  it('keeps going when recording a result throws, and says so', async () => {
    const s = new ProbeScheduler({
      run: runner,
      clock,
      onResult: () => {
        throw new Error('disk full');
      },
      log: (line) => logs.push(line),
    });
    s.update([spec('a', 1000)]);
    await clock.advance(3500);
    assert.ok(startsOf('a').length >= 3);
    assert.match(logs[0] ?? '', /^probe a: result not recorded: disk full$/);
    await s.stop();
  });
});
