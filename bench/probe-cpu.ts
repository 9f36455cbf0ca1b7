// CPU that probes add to `fleetmon serve` (issue #17, target 3: 200 probes at 5 s intervals
// add ≤ 5 % of one core). Runs `bin/fleetmon serve` with a config of 200 probes and without
// any, interleaved, each for --seconds after a warm-up, and reads the CPU the serve process (and
// any child) used from /proc. The probes' target is `fleetmon mock` in a process of its own, so
// its CPU is not counted. Loopback only; every child is killed at the end.
//
//   npm run build && node bench/probe-cpu.ts [--probes 200] [--interval 5s] [--seconds 60] [--runs 3] [--kind plain|body|date]
//
// `--kind`: plain GET /now with a status check (default), `body` adds the clock read from the
// body timestamp (one request), `date` the clock read from a Date-only /now (up to 6 requests).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BIN, fleetmonEnv, median } from './lib/harness.ts';

const { values } = parseArgs({
  options: {
    probes: { type: 'string', default: '200' },
    interval: { type: 'string', default: '5s' },
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '15' },
    runs: { type: 'string', default: '3' },
    kind: { type: 'string', default: 'plain' },
  },
});
const PROBES = Number(values.probes);
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
const RUNS = Number(values.runs);
const KIND = values.kind as 'plain' | 'body' | 'date';
const BOUND_PERCENT = 5;
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on Linux). */
const TICKS = 100;

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Starts `bin/fleetmon args` and resolves once `pattern` appears on stderr, with its first group. */
function start(args: string[], pattern: RegExp): Promise<{ child: ChildProcess; match: string }> {
  const child = spawn(BIN, args, { stdio: ['ignore', 'ignore', 'pipe'], env: fleetmonEnv() });
  children.add(child);
  let stderr = '';
  return new Promise((resolve, reject) => {
    const limit = setTimeout(() => reject(new Error(`not started: ${stderr}`)), 30_000);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = pattern.exec(stderr)?.[1];
      if (match !== undefined) {
        clearTimeout(limit);
        resolve({ child, match });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  children.delete(child);
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  await exited;
}

/** CPU seconds used so far by `pid` and every process below it. */
function cpuSeconds(pid: number): number {
  let ticks = 0;
  const byParent = new Map<number, number[]>();
  const stats = new Map<number, string[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), fields);
      const parent = Number(fields[1]);
      byParent.set(parent, [...(byParent.get(parent) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  const walk = (p: number) => {
    const fields = stats.get(p);
    if (fields !== undefined) ticks += Number(fields[11]) + Number(fields[12]);
    for (const child of byParent.get(p) ?? []) walk(child);
  };
  walk(pid);
  return ticks / TICKS;
}

function config(target: string, n: number): string {
  if (n === 0) return 'probes: []\n';
  const clock = KIND === 'plain' ? '' : ', clock: { maxSkew: 1s }';
  const lines = Array.from(
    { length: n },
    (_, i) =>
      `  - { name: p${i}, url: "${target}/now", interval: ${values.interval}, timeout: ${values.interval}${clock}, labels: { team: t${i % 7} } }`,
  );
  return `probes:\n${lines.join('\n')}\n`;
}

/** CPU share of one core that `serve` used over the measured window, with `n` probes. */
async function measure(
  providerUrl: string,
  target: string,
  n: number,
  dir: string,
): Promise<number> {
  const file = join(dir, `probes-${n}.yaml`);
  writeFileSync(file, config(target, n));
  const { child } = await start(
    [
      'serve',
      '--api',
      providerUrl,
      '--listen',
      '127.0.0.1:0',
      '--interval',
      '60s',
      '--config',
      file,
    ],
    /dashboard on (http:\/\/\S+\/)/,
  );
  try {
    await new Promise((r) => setTimeout(r, WARMUP * 1000));
    const pid = child.pid ?? 0;
    const before = cpuSeconds(pid);
    const started = performance.now();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const used = cpuSeconds(pid) - before;
    return (100 * used) / ((performance.now() - started) / 1000);
  } finally {
    await stop(child);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'fleetmon-probe-cpu-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
// The provider for serve's own scans (every 60 s), and the probes' target with its /now.
const { child: provider, match: providerUrl } = await start(
  ['mock', '--host', '127.0.0.1', '--port', '0', '--instances', '150'],
  /instances on (http:\/\/127\.0\.0\.1:\d+)/,
);
const targetArgs = [
  'mock',
  '--host',
  '127.0.0.1',
  '--port',
  '0',
  '--instances',
  '1',
  '--clock-skew',
  '300ms',
];
if (KIND === 'date') targetArgs.push('--now-date-only');
const { child: target, match: targetUrl } = await start(
  targetArgs,
  /instances on (http:\/\/127\.0\.0\.1:\d+)/,
);

console.log(
  `probe-cpu: ${PROBES} probes (${KIND}) every ${values.interval} vs none; ${RUNS} interleaved runs of ${SECONDS} s after ${WARMUP} s warm-up`,
);
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
const base: number[] = [];
const withProbes: number[] = [];
for (let run = 1; run <= RUNS; run++) {
  // Interleaved, and the order alternates, so drift in the machine's load hits both alike.
  const order = run % 2 === 1 ? [0, PROBES] : [PROBES, 0];
  for (const n of order) {
    const share = await measure(providerUrl, targetUrl, n, dir);
    (n === 0 ? base : withProbes).push(share);
    console.log(
      `  run ${run}: ${n === 0 ? 'no probes ' : `${PROBES} probes`}  ${share.toFixed(2)} % of one core`,
    );
  }
}
await stop(provider);
await stop(target);
const added = median(withProbes) - median(base);
const perSecond = PROBES / (Number.parseFloat(values.interval) || 5);
console.log(
  `serve without probes: median ${median(base).toFixed(2)} %; with ${PROBES}: median ${median(withProbes).toFixed(2)} %`,
);
console.log(
  `added: ${added.toFixed(2)} % of one core (${((10 * added) / perSecond).toFixed(2)} ms of CPU per probe run at ${perSecond.toFixed(0)} runs/s); bound ${BOUND_PERCENT} %: ${added <= BOUND_PERCENT ? 'PASS' : 'FAIL'}`,
);
process.exitCode = added <= BOUND_PERCENT ? 0 : 1;
