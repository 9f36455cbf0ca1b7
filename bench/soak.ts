// Soak test (issue #5): `fleetmon monitor` at a 1 s interval for 10 minutes against the simulated
// provider with churn and 2% faults of every kind, including a /servers that sometimes fails.
// Samples the child's RSS, open descriptors and sockets from /proc/<pid>, and its heap after GC
// and active handles from a preloaded probe (bench/soak-probe.ts); then stops it with SIGTERM.
// Passes when memory and handles stay flat, every tick is written and the child exits 0.
//
//   node bench/soak.ts [--minutes 10] [--instances 150] [--interval 1s] [--churn 1%]
//
// Linux only (/proc). Needs the built CLI (npm run build). Not part of `npm test`.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rate } from '../src/config/fields.ts';
import { startMock } from '../src/mock/server.ts';
import { BIN, fleetmonEnv } from './lib/harness.ts';
import { type ProcSample, sampleProc, slopePerMinute } from './lib/proc.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    instances: { type: 'string', default: '150' },
    interval: { type: 'string', default: '1s' },
    churn: { type: 'string', default: '1%' },
    seed: { type: 'string', default: '5' },
  },
});
const MINUTES = Number(values.minutes);
const INSTANCES = Number(values.instances);
const churnRate = rate(values.churn);
if (!(MINUTES > 0) || !(INSTANCES > 0) || !churnRate.ok) {
  process.stderr.write('usage: node bench/soak.ts [--minutes N] [--instances N] [--churn 1%]\n');
  process.exit(2);
}
const PROBE = new URL('./soak-probe.ts', import.meta.url).pathname;
const SAMPLE_MS = 10_000;
const WARM_UP_MS = Math.min(60_000, (MINUTES * 60_000) / 5);

// 2% of stats requests fault, spread over every kind a long run should survive.
const mock = await startMock({
  host: '127.0.0.1',
  instances: INSTANCES,
  seed: Number(values.seed),
  churn: churnRate.value,
  errorRate: 0.005,
  malformedRate: 0.004,
  hangRate: 0.002,
  dropRate: 0.002,
  throttleRate: 0.002,
  cutRate: 0.002,
  vanishRate: 0.003,
  serversFault: 'error',
  serversFaultRate: 0.02,
  serversFaultAfter: 1,
});
const service = biggestService();
const probeFile = join(tmpdir(), `fleetmon-soak-${process.pid}.ndjson`);
const args = [
  '--api',
  `127.0.0.1:${mock.port}`,
  '--timeout',
  '1s',
  '--retries',
  '1',
  'monitor',
  service,
  '--interval',
  values.interval,
  '-o',
  'ndjson',
];
const child = spawn(BIN, args, {
  stdio: ['ignore', 'pipe', 'pipe'],
  env: fleetmonEnv({
    NODE_OPTIONS: `--expose-gc --import=${PROBE}`,
    SOAK_PROBE_FILE: probeFile,
    SOAK_PROBE_MS: String(SAMPLE_MS),
  }),
});
const pid = child.pid ?? 0;
let lines = 0;
let unreachable = 0;
const ticks = new Set<number>();
let partial = '';
child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
  const text = partial + chunk;
  const cut = text.lastIndexOf('\n');
  partial = text.slice(cut + 1);
  for (const line of text.slice(0, cut + 1).split('\n')) {
    if (line === '') continue;
    const row = JSON.parse(line) as { ts: number; status: string };
    lines++;
    ticks.add(row.ts);
    if (row.status === 'unreachable') unreachable++;
  }
});
const stderrLines: string[] = [];
child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
  stderrLines.push(...chunk.split('\n').filter((l) => l !== ''));
});
const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
  child.on('exit', (code, signal) => resolve({ code, signal })),
);

const samples: ProcSample[] = [];
const started = Date.now();
process.stderr.write(
  `soak: monitor ${service} every ${values.interval} for ${MINUTES} min against ${mock.url} (pid ${pid})\n`,
);
const sampler = setInterval(() => {
  const sample = sampleProc(pid);
  if (sample !== null) samples.push(sample);
  const minute = ((Date.now() - started) / 60_000).toFixed(1);
  process.stderr.write(
    `soak: ${minute} min, ${ticks.size} ticks, rss ${sample?.rssKiB ?? '?'} KiB, fds ${sample?.fds ?? '?'}\n`,
  );
}, SAMPLE_MS);
await new Promise((resolve) => setTimeout(resolve, MINUTES * 60_000));
clearInterval(sampler);
const final = sampleProc(pid);
if (final !== null) samples.push(final);

const stopAt = performance.now();
child.kill('SIGTERM');
const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
const exit = await exited;
clearTimeout(killer);
const stopMs = performance.now() - stopAt;
await mock.close();

const probes = readProbe();
rmSync(probeFile, { force: true });
report();

function biggestService(): string {
  const counts = new Map<string, number>();
  for (const ip of mock.roster.listedAt(Date.now())) {
    const name = mock.fleet.serviceOf(ip) ?? '';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'UserService';
}

interface Probe {
  t: number;
  rss: number;
  heapUsed: number;
  resources: Record<string, number>;
}

function readProbe(): Probe[] {
  try {
    return readFileSync(probeFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Probe);
  } catch {
    return [];
  }
}

function report(): void {
  const afterWarmUp = <T extends { t: number }>(list: readonly T[]) =>
    list.filter((s) => s.t - started >= WARM_UP_MS);
  const proc = afterWarmUp(samples);
  const heap = afterWarmUp(probes);
  const first = proc[0];
  const last = proc.at(-1);
  const heapFirst = heap[0];
  const heapLast = heap.at(-1);
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const minutes = (t: number) => (t - started) / 60_000;
  const rssSlope = slopePerMinute(proc.map((s) => [minutes(s.t), s.rssKiB / 1024]));
  const heapSlope = slopePerMinute(heap.map((s) => [minutes(s.t), s.heapUsed / 1024 / 1024]));
  const handles = (p: Probe | undefined) =>
    p === undefined
      ? '?'
      : Object.entries(p.resources)
          .sort()
          .map(([kind, n]) => `${kind} ${n}`)
          .join(', ');
  const maxSockets = Math.max(...proc.map((s) => s.sockets));
  const failedScans = stderrLines.filter((l) => l.includes('scan failed')).length;
  const expectedTicks = Math.floor((MINUTES * 60_000) / 1000);
  // Pooled keep-alive sockets come and go with the adaptive window: compare quarter means.
  const quarter = Math.max(1, Math.floor(proc.length / 4));
  const meanFds = (list: readonly ProcSample[]) =>
    list.reduce((sum, sample) => sum + sample.fds, 0) / Math.max(1, list.length);
  const fdsFlat = meanFds(proc.slice(-quarter)) <= meanFds(proc.slice(0, quarter)) + 8;
  const flat =
    heapFirst !== undefined &&
    heapLast !== undefined &&
    heapLast.heapUsed < heapFirst.heapUsed * 1.25 + 2 * 1024 * 1024 &&
    fdsFlat;
  const ok = flat && exit.code === 0 && stopMs < 1000;
  const out = [
    `## soak: ${MINUTES} min, ${INSTANCES} instances, churn ${values.churn}/s, 2% faults, interval ${values.interval}`,
    '',
    '| measure | start (after warm-up) | end | trend |',
    '|---|---|---|---|',
    `| RSS (/proc) | ${first ? mb(first.rssKiB * 1024) : '?'} | ${last ? mb(last.rssKiB * 1024) : '?'} | ${rssSlope.toFixed(2)} MB/min |`,
    `| heap used after GC (probe) | ${heapFirst ? mb(heapFirst.heapUsed) : '?'} | ${heapLast ? mb(heapLast.heapUsed) : '?'} | ${heapSlope.toFixed(3)} MB/min |`,
    `| open fds (/proc) | ${first?.fds ?? '?'} | ${last?.fds ?? '?'} | max sockets ${maxSockets} |`,
    `| active handles (probe) | ${handles(heapFirst)} | ${handles(heapLast)} | |`,
    '',
    `ticks written: ${ticks.size} (at most ~${expectedTicks}), rows: ${lines}, unreachable rows: ${unreachable}, ` +
      `/servers failures reported and survived: ${failedScans}, other stderr lines: ${stderrLines.length - failedScans}`,
    `stop: SIGTERM → exit ${exit.code ?? exit.signal} in ${Math.round(stopMs)} ms; ` +
      `mock served ${mock.stats.requests} requests, ${mock.stats.faults} faulted`,
    `verdict: ${ok ? 'PASS (flat memory and handles, clean exit)' : 'FAIL'}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  const others = stderrLines.filter((l) => !l.includes('scan failed')).slice(0, 5);
  if (others.length > 0)
    process.stderr.write(`soak: child stderr (first lines):\n${others.join('\n')}\n`);
  process.exitCode = ok ? 0 : 1;
}
