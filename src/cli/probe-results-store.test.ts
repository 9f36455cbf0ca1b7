import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ProbeResult } from '../core/probe-types.ts';
import type { ProbeHistory } from '../store/probe-history.ts';
import { FakeClock, settle } from '../time/fake-clock.test-helper.ts';
import { PROBE_BATCH_MS, probeResultsStore } from './probe-results-store.ts';

const result = (probe: string, ts: number): ProbeResult => ({
  probe,
  url: `http://127.0.0.1/${probe}`,
  ts,
  ok: true,
  verdict: 'ok',
  status: 200,
  latencyMs: 2.5,
  offsetMs: null,
  uncertaintyMs: null,
  failure: null,
  reason: null,
});

/** A store that records each append, and fails while `down`. */
function history(): ProbeHistory & { batches: string[][]; down: boolean } {
  const fake = {
    batches: [] as string[][],
    down: false,
    async appendProbeResults(results: readonly ProbeResult[]) {
      if (fake.down) throw new Error('connection refused');
      fake.batches.push(results.map((r) => r.probe));
      return true;
    },
    probeResults: async () => [],
    probeNames: async () => [],
  };
  return fake;
}

it('writes the results of a second in one batch, and what waits when it closes', async () => {
  const clock = new FakeClock();
  const store = history();
  const keep = probeResultsStore(store, clock, () => {});
  assert.deepEqual(clock.pending(), [], 'no timer until a result comes');
  keep.add(result('a', 1));
  keep.add(result('b', 2));
  await clock.advance(PROBE_BATCH_MS - 1);
  assert.deepEqual(store.batches, []);
  await clock.advance(1);
  await settle();
  assert.deepEqual(store.batches, [['a', 'b']]);
  keep.add(result('c', 3));
  await keep.close();
  assert.deepEqual(store.batches, [['a', 'b'], ['c']]);
  assert.deepEqual(clock.pending(), []);
});

it('says once that results are lost while the store fails, and once that it works again', async () => {
  const clock = new FakeClock();
  const store = history();
  const log: string[] = [];
  const keep = probeResultsStore(store, clock, (line) => log.push(line));
  store.down = true;
  for (const ts of [1, 2]) {
    keep.add(result('a', ts));
    await clock.advance(PROBE_BATCH_MS);
    await settle();
  }
  store.down = false;
  keep.add(result('a', 3));
  await keep.close();
  assert.deepEqual(log, [
    'probe results are not kept while the store fails (connection refused)',
    'probe results are kept in the store again',
  ]);
  assert.deepEqual(store.batches, [['a']]);
});
