// Accuracy of `fleetmon check --clock` (issue #17, targets 1 and 2): the real probe against
// loopback time servers whose offset from our clock is known exactly (their clock is ours plus
// the skew), for servers with a body timestamp and servers with only a Date header, with
// offsets around the ±1 s limit, a clock stepped through zero between runs, and delays of up to
// 200 ms added on each side of the server's clock reading. Counts how often the true offset
// lies in the reported interval (target: always), wrong verdicts (never), and the uncertainty
// against the bounds (body: ≤ 10 ms + RTT/2; Date only: ≤ 100 ms within 6 requests).
//
//   node bench/probe-accuracy.ts [--trials 540] [--concurrency 24]
//
// Trials run in this process (server and probe share the clock, so the truth is exact), at most
// --concurrency at once; the busier the process, the longer the round trips it measures.
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import {
  runTrials,
  type Trial,
  type TrialResult,
  wrongVerdict,
} from '../src/probe/clock-trials.test-helper.ts';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '540' },
    concurrency: { type: 'string', default: '24' },
  },
});
const PER_KIND = Number(values.trials);
const CONCURRENCY = Number(values.concurrency);
/** Offsets near the ±1 s limit on both sides, zero, and far off. */
const SKEWS = [900, -900, 1100, -1100, 950, -1050, 0, 400, -2500, 3600];
/** Most delay added before and after the server reads its clock (each drawn uniformly). */
const DELAYS = [0, 25, 50, 100, 200];
/** A clock stepped from +1.2 s to -1.2 s in 20 steps between runs, on one server. */
const SWEEP = Array.from({ length: 20 }, (_, i) => 1200 - (2400 * i) / 19);
const SWEEPS_PER_KIND = 4;

function plan(mode: Trial['mode']): Trial[] {
  const trials: Trial[] = [];
  const fixed = PER_KIND - SWEEPS_PER_KIND * SWEEP.length;
  for (let i = 0; trials.length < fixed; i++) {
    const skewMs = SKEWS[i % SKEWS.length] ?? 0;
    const maxDelayMs = DELAYS[Math.floor(i / SKEWS.length) % DELAYS.length] ?? 0;
    // Every third Date-only server closes its connections: the narrowing then reconnects.
    trials.push({ mode, skewMs, maxDelayMs, close: mode === 'date' && i % 3 === 2 });
  }
  return trials;
}

async function runKind(mode: Trial['mode']): Promise<TrialResult[]> {
  const sweeps = Array.from({ length: SWEEPS_PER_KIND }, (_, k) =>
    runTrials(
      SWEEP.map((skewMs) => ({ mode, skewMs, maxDelayMs: DELAYS[k % DELAYS.length] ?? 0 })),
      { concurrency: 1, timeoutMs: mode === 'date' ? 8000 : 3000, sweep: true },
    ),
  );
  const fixed = runTrials(plan(mode), {
    concurrency: CONCURRENCY - SWEEPS_PER_KIND,
    timeoutMs: mode === 'date' ? 8000 : 3000,
  });
  return (await Promise.all([fixed, ...sweeps])).flat();
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');

function report(mode: Trial['mode'], results: readonly TrialResult[], seconds: number): boolean {
  const inside = results.filter((r) => r.inside).length;
  const wrong = results.filter(wrongVerdict).length;
  const unread = results.filter((r) => r.uncertaintyMs === null);
  console.log(
    `\n${mode === 'body' ? 'body timestamp' : 'Date header only'}: ${results.length} trials in ${seconds.toFixed(0)} s — true offset inside the interval: ${inside}/${results.length} (${((100 * inside) / results.length).toFixed(1)} %); wrong verdicts: ${wrong}; no reading: ${unread.length}`,
  );
  for (const r of unread.slice(0, 3)) console.log(`  no reading: ${r.reason}`);
  console.log(
    '  added delay ≤ (each side) | trials | uncertainty ms: median / p95 / max | RTT ms median | requests median / max | within bound | verdicts ok/skewed/unknown',
  );
  let precise = true;
  for (const delay of DELAYS) {
    const group = results.filter((r) => r.trial.maxDelayMs === delay && r.uncertaintyMs !== null);
    if (group.length === 0) continue;
    const u = group.map((r) => r.uncertaintyMs ?? 0);
    const bound = (r: TrialResult) => (mode === 'body' ? 10 + (r.rttMs ?? 0) / 2 : 100);
    const within = group.filter((r) => (r.uncertaintyMs ?? Infinity) <= bound(r)).length;
    if (mode === 'body' && within < group.length) precise = false;
    if (mode === 'date' && delay <= 50 && within < group.length) precise = false;
    const count = (v: string) => group.filter((r) => r.verdict === v).length;
    console.log(
      `  ${String(delay).padStart(3)} ms | ${String(group.length).padStart(4)} | ${f1(quantile(u, 0.5))} / ${f1(quantile(u, 0.95))} / ${f1(Math.max(...u))} | ${f1(
        quantile(
          group.map((r) => r.rttMs ?? 0),
          0.5,
        ),
      )} | ${quantile(
        group.map((r) => r.requests),
        0.5,
      )} / ${Math.max(...group.map((r) => r.requests))} | ${within}/${group.length} ≤ ${mode === 'body' ? '10 ms + RTT/2' : '100 ms'} | ${count('ok')}/${count('skewed')}/${count('unknown')}`,
    );
  }
  const sweep = results.filter((r) => SWEEP.includes(r.trial.skewMs));
  console.log(
    `  clock stepped through zero (${sweep.length} runs on ${SWEEPS_PER_KIND} servers): inside ${sweep.filter((r) => r.inside).length}/${sweep.length}`,
  );
  const ok = inside === results.length && wrong === 0 && unread.length === 0;
  console.log(
    `  accuracy (100 % inside, no wrong verdict): ${ok ? 'PASS' : 'FAIL'}; precision: ${precise ? 'PASS' : 'FAIL'}`,
  );
  return ok && precise;
}

console.log(
  `probe-accuracy: ${PER_KIND} trials per kind, ${CONCURRENCY} at once; machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
let pass = true;
for (const mode of ['body', 'date'] as const) {
  const started = performance.now();
  const results = await runKind(mode);
  pass = report(mode, results, (performance.now() - started) / 1000) && pass;
}
console.log(`\nprobe-accuracy: ${pass ? 'PASS' : 'FAIL'}`);
process.exitCode = pass ? 0 : 1;
