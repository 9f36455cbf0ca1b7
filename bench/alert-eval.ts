// Alert evaluation cost (issue #18, target 4): 10,000 instances with 500 firing alerts must add
// at most 10 ms per scan. Two measurements:
//  1. in-process: the alert service's observeScan over a 10,000-instance scan, every built-in
//     rule on, 500 instances unreachable scan after scan (so 500 InstanceUnreachable alerts
//     fire and stay), timed per scan; plus the scans where all 500 fire and all 500 resolve.
//  2. as users run it: `bin/fleetmon serve` against a loopback provider whose first 500 of
//     10,000 instances always answer 500, reading fleetmon_alert_evaluation_seconds from /metrics.
//
//   node bench/alert-eval.ts [--instances 10000] [--firing 500] [--scans 200] [--serve-seconds 40]
//
// Needs the built CLI (npm run build) for part 2. Prints figures, the bound and PASS/FAIL.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compileAlertConfig } from '../src/alert/compile.ts';
import { alertsSection } from '../src/alert/config-schema.ts';
import { openAlerting } from '../src/alert/open.ts';
import type { Reading } from '../src/core/types.ts';
import { buildFleetView, type FleetView } from '../src/server/fleet-view.ts';
import { BIN, fleetmonEnv } from './lib/harness.ts';

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '10000' },
    firing: { type: 'string', default: '500' },
    scans: { type: 'string', default: '200' },
    'serve-seconds': { type: 'string', default: '40' },
  },
});
const INSTANCES = Number(values.instances);
const FIRING = Number(values.firing);
const SCANS = Number(values.scans);
const SERVE_SECONDS = Number(values['serve-seconds']);
const BOUND_MS = 10;
const RULES = { maxCpu: 75, maxMemory: 75, minHealthy: 2 };

const ipOf = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
/** 50 services; instances below `down` are unreachable; loads move a little every scan. */
function readings(down: number, scan: number): Reading[] {
  const out: Reading[] = [];
  for (let i = 0; i < INSTANCES; i++) {
    const service = `Service${String(i % 50).padStart(2, '0')}`;
    if (i < down)
      out.push({ ip: ipOf(i), ok: false, service: null, error: 'HTTP 500', attempts: 3 });
    else {
      const cpu = (i * 7 + scan * 3) % 90;
      out.push({
        ip: ipOf(i),
        ok: true,
        stats: { service, cpu, memory: (i * 11) % 80 },
        attempts: 1,
      });
    }
  }
  return out;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const ms = (v: number) => `${v.toFixed(2)} ms`;

interface InProcess {
  median: number;
  p99: number;
  max: number;
  /** Medians over ten rounds, and the slowest firing scan. */
  fire: number;
  fireMax: number;
  resolve: number;
}

async function inProcess(): Promise<InProcess> {
  const service = await openAlerting({
    config: compileAlertConfig(
      alertsSection.parse({ receivers: [{ name: 'log', log: {} }] }),
      undefined,
      { health: RULES, secret: () => undefined },
    ),
    url: 'http://127.0.0.1:8080/',
    intervalMs: 15_000,
    log: () => {},
  });
  const views: FleetView[] = [];
  let seq = 0;
  const view = (down: number, scan: number) =>
    buildFleetView(
      { startedAt: Date.now(), durationMs: 1, readings: readings(down, scan) },
      RULES,
      ++seq,
    );
  const timed = (v: FleetView) => {
    const started = performance.now();
    service.observeScan(v);
    return performance.now() - started;
  };
  // Warm-up, healthy.
  for (let i = 0; i < 20; i++) timed(view(0, i));
  // InstanceUnreachable is 3 of 5 and resolves after 2 passes: the third scan with them down
  // is the one where all 500 fire, the second healthy one where all resolve. Ten rounds.
  const fires: number[] = [];
  const resolves: number[] = [];
  for (let round = 0; round < 10; round++) {
    timed(view(FIRING, 0));
    timed(view(FIRING, 1));
    fires.push(timed(view(FIRING, 2)));
    await service.settle();
    if (service.list(['firing']).length < FIRING) throw new Error('the alerts did not fire');
    timed(view(0, 0));
    resolves.push(timed(view(0, 1)));
    await service.settle();
  }
  for (let i = 0; i < 3; i++) timed(view(FIRING, i));
  for (let i = 0; i < SCANS; i++) views.push(view(FIRING, i));
  const times = views.map(timed).sort((a, b) => a - b);
  await service.settle();
  await service.stop();
  fires.sort((x, y) => x - y);
  resolves.sort((x, y) => x - y);
  return {
    median: percentile(times, 50),
    p99: percentile(times, 99),
    max: times.at(-1) ?? 0,
    fire: percentile(fires, 50),
    fireMax: fires.at(-1) ?? 0,
    resolve: percentile(resolves, 50),
  };
}

/** A CPX provider whose first `FIRING` instances always answer 500. */
async function steadyProvider(): Promise<{ url: string; close(): void }> {
  const ips = Array.from({ length: INSTANCES }, (_, i) => ipOf(i));
  const index = new Map(ips.map((ip, i) => [ip, i]));
  const listing = JSON.stringify(ips);
  const server = createServer((req, res) => {
    if (req.url === '/servers') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(listing);
      return;
    }
    const i = index.get((req.url ?? '').slice(1));
    if (i === undefined || i < FIRING) {
      res.writeHead(i === undefined ? 400 : 500).end('{"error":"no"}');
      return;
    }
    const service = `Service${String(i % 50).padStart(2, '0')}`;
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ cpu: `${(i * 7) % 90}%`, memory: `${(i * 11) % 80}%`, service }));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `127.0.0.1:${port}`, close: () => server.close() };
}

interface Served {
  /** Over the scans after the alerts fired. */
  mean: number;
  scans: number;
  underBound: number;
  firing: number;
  scanMean: number;
  /** The scans up to and including the one where they fired. */
  first: number;
  firstMean: number;
}

async function asServed(): Promise<Served> {
  const provider = await steadyProvider();
  const dir = mkdtempSync(join(tmpdir(), 'fleetmon-alert-bench-'));
  writeFileSync(join(dir, 'fleetmon.yaml'), 'alerts:\n  receivers: [{ name: log, log: {} }]\n');
  let child: ChildProcess | undefined;
  try {
    child = spawn(
      BIN,
      [
        'serve',
        '--api',
        provider.url,
        '--listen',
        '127.0.0.1:0',
        '--interval',
        '2s',
        '--retries',
        '0',
        '--config',
        join(dir, 'fleetmon.yaml'),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: fleetmonEnv() },
    );
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      const limit = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 30_000);
      child?.stderr?.setEncoding('utf8').on('data', (c: string) => {
        stderr += c;
        const found = /dashboard on (http:\/\/\S+\/)/.exec(stderr)?.[1];
        if (found !== undefined) {
          clearTimeout(limit);
          resolve(found);
        }
      });
    });
    const read = async () => {
      const text = await (await fetch(`${url}metrics`)).text();
      const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN);
      return {
        count: value(/^fleetmon_alert_evaluation_seconds_count (\S+)$/m),
        sum: value(/^fleetmon_alert_evaluation_seconds_sum (\S+)$/m),
        under: value(/^fleetmon_alert_evaluation_seconds_bucket\{le="0.01"\} (\S+)$/m),
        firing: value(/^fleetmon_alerts\{state="firing"\} (\S+)$/m),
        scanSum: value(/^fleetmon_scan_duration_seconds_sum (\S+)$/m),
        scanCount: value(/^fleetmon_scan_duration_seconds_count (\S+)$/m),
      };
    };
    // The first scans run cold code and the one where the alerts fire does the most: the figure
    // is over the scans after those, with all of them firing.
    const deadline = Date.now() + SERVE_SECONDS * 1000;
    let start = await read();
    while (!(start.firing >= FIRING) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      start = await read();
    }
    await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())));
    const end = await read();
    const scans = end.count - start.count;
    return {
      mean: ((end.sum - start.sum) / scans) * 1000,
      scans,
      underBound: end.under - start.under,
      firing: end.firing,
      scanMean: ((end.scanSum - start.scanSum) / (end.scanCount - start.scanCount)) * 1000,
      first: start.count,
      firstMean: (start.sum / start.count) * 1000,
    };
  } finally {
    child?.kill('SIGTERM');
    provider.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `alert evaluation: ${INSTANCES} instances, ${FIRING} firing alerts, every built-in rule · ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
const a = await inProcess();
console.log(
  `in-process, ${SCANS} scans with ${FIRING} firing: median ${ms(a.median)}, p99 ${ms(a.p99)}, max ${ms(a.max)}; the scan where all ${FIRING} fire: median ${ms(a.fire)} (slowest of 10 ${ms(a.fireMax)}), where all resolve: median ${ms(a.resolve)}`,
);
const b = await asServed();
console.log(
  `bin/fleetmon serve, every 2 s: the first ${b.first} scans (cold, up to all ${FIRING} firing) ${ms(b.firstMean)} on average; the next ${b.scans} (${b.firing} firing) ${ms(b.mean)}, ${b.underBound} of ${b.scans} ≤ ${BOUND_MS} ms; a scan itself took ${ms(b.scanMean)}`,
);
const pass = a.median <= BOUND_MS && a.fire <= BOUND_MS && b.mean <= BOUND_MS && b.firing >= FIRING;
console.log(
  `bound: ≤ ${BOUND_MS} ms per scan (in-process medians, steady and firing; the mean as served) → ${pass ? 'PASS' : 'FAIL'}${a.p99 > BOUND_MS ? ` · the p99 (${ms(a.p99)}) is over it: run it again on a quiet machine before reading that as the code` : ''}`,
);
process.exitCode = pass ? 0 : 1;
