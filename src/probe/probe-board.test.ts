import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeResult } from '../core/probe-types.ts';
import { FakeClock } from '../time/fake-clock.test-helper.ts';
import { ProbeBoard } from './probe-board.ts';
import { startProbes } from './probe-service.ts';
import { testSpec } from './probe-spec.test-helper.ts';
import type { ProbeSpec } from './probe-spec.ts';
import { ResultRing } from './result-ring.ts';

const spec = (name: string, intervalMs = 1000): ProbeSpec =>
  testSpec(`http://127.0.0.1/${name}`, { name, intervalMs, timeoutMs: intervalMs });

const result = (probe: string, ts: number, extra: Partial<ProbeResult> = {}): ProbeResult => ({
  probe,
  url: `http://127.0.0.1/${probe}`,
  ts,
  ok: true,
  verdict: 'ok',
  status: 200,
  latencyMs: 2.5,
  offsetMs: 1500,
  uncertaintyMs: 0.5,
  failure: null,
  reason: null,
  ...extra,
});

describe('ResultRing', () => {
  it('keeps the newest results, oldest first, in seconds', () => {
    const ring = new ResultRing(3);
    for (let i = 1; i <= 5; i++)
      ring.push(result('a', i * 1000, { latencyMs: i, offsetMs: i === 4 ? null : -i }));
    assert.deepEqual(ring.since(0), {
      ts: [3000, 4000, 5000],
      latencySeconds: [0.003, 0.004, 0.005],
      offsetSeconds: [-0.003, null, -0.005],
      uncertaintySeconds: [0.0005, 0.0005, 0.0005],
      verdict: ['ok', 'ok', 'ok'],
    });
    assert.deepEqual(ring.since(4000).ts, [5000]);
    assert.deepEqual(ring.resized(2).since(0).ts, [4000, 5000]);
    assert.deepEqual(ring.resized(10).since(0).ts, [3000, 4000, 5000]);
  });
});

describe('ProbeBoard', () => {
  it('keeps history across reloads for probes that stay, by name, and drops the rest', () => {
    let now = 100_000;
    const board = new ProbeBoard({ windowMs: 60_000, now: () => now });
    board.setSpecs([spec('a'), spec('b')]);
    board.record(result('a', 90_000));
    board.record(
      result('b', 90_000, { ok: false, verdict: 'down', failure: 'connect', reason: 'refused' }),
    );
    board.record(result('zzz', 90_000));
    const v = board.version;
    board.setSpecs([spec('a', 5000), spec('c')]);
    assert.ok(board.version > v);
    assert.deepEqual(
      board.list().map((p) => [p.spec.name, p.last?.ts]),
      [
        ['a', 90_000],
        ['c', undefined],
      ],
    );
    assert.deepEqual(board.history('a', 0)?.ts, [90_000]);
    assert.equal(board.history('b', 0), undefined);
    now = 200_000;
    assert.deepEqual(board.history('a', 0)?.ts, [], 'outside the window');
  });
});

describe('startProbes', () => {
  it('records results on the board, hands them to onResult, and logs changes of verdict', async () => {
    const clock = new FakeClock();
    const seen: ProbeResult[] = [];
    const logs: string[] = [];
    let n = 0;
    const service = startProbes([spec('a')], {
      run: async (s) =>
        result(
          s.name,
          clock.wallNow(),
          n++ === 1
            ? { ok: false, verdict: 'skewed', failure: 'clock_skew', reason: 'clock 1.5 s ahead' }
            : {},
        ),
      clock,
      windowMs: 60_000,
      log: (line) => logs.push(line),
      onResult: (r) => seen.push(r),
    });
    await clock.advance(3500);
    assert.equal(seen.length, service.board.history('a', -1)?.ts.length);
    assert.ok(seen.length >= 3);
    assert.deepEqual(logs, ['probe a: skewed: clock 1.5 s ahead', 'probe a: ok again']);
    await service.stop();
    assert.equal(clock.pending().length, 0);
  });
});
