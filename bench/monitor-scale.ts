// Target 5 of issue #4: `monitor SERVICE -o ndjson` in a pipe, 10,000 instances, 1 s interval.
// Every scan must finish within the interval, and the monitor's memory must stay flat. RSS is
// sampled from /proc once a second (Linux). Flat: the mean of the last quarter of the run is at
// most 10% above the mean of the second quarter (the first quarter is warm-up).
// The all-services case: the live view's fleet screen (and `serve`) scan the whole fleet every
// tick in a long-running process; here the same client and scan run in this process every
// second for --fleet-ticks ticks, and each full scan of the 10k must fit in the interval.
//
//   node bench/monitor-scale.ts [--seconds 40] [--long]   (--long: 300 s, the recorded run)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { parseApiAddress } from '../src/provider/address.ts';
import { createProviderClient } from '../src/provider/client.ts';
import { scanFleet } from '../src/scan/scan.ts';
import { BIN, finish, fleetmonEnv, machine, startProvider, verdict } from './lib/harness.ts';

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '10000' },
    service: { type: 'string', default: 'UserService' },
    seconds: { type: 'string', default: '40' },
    long: { type: 'boolean', default: false },
    'fleet-ticks': { type: 'string', default: '10' },
  },
});
const N = Number(values.instances);
const SECONDS = values.long ? 300 : Number(values.seconds);
const INTERVAL_MS = 1000;

console.log(
  `# monitor-scale: ${N} instances, monitor ${values.service} -o ndjson --interval 1s for ${SECONDS} s`,
);
console.log(`  machine: ${machine()}`);
const fleet = await startProvider({ instances: N });

const child = spawn(
  BIN,
  ['--api', fleet.url, 'monitor', values.service, '-o', 'ndjson', '--interval', '1s'],
  { stdio: ['ignore', 'pipe', 'pipe'], env: fleetmonEnv() },
);
let stderr = '';
child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
  stderr += chunk;
});
/** Per tick (by its ts): rows seen and when the last row arrived. */
const ticks = new Map<number, { rows: number; lastAt: number }>();
createInterface({ input: child.stdout }).on('line', (line) => {
  const ts = Date.parse((JSON.parse(line) as { ts: string }).ts);
  const tick = ticks.get(ts) ?? { rows: 0, lastAt: 0 };
  tick.rows += 1;
  tick.lastAt = Date.now();
  ticks.set(ts, tick);
});
const rss: number[] = [];
const sampler = setInterval(() => {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
    if (kb !== undefined) rss.push(Number(kb) / 1024);
  } catch {
    // gone, or not Linux
  }
}, 1000);
await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
clearInterval(sampler);
const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
child.kill('SIGTERM');
const code = await exited;

const fleetScans: number[] = [];
const client = createProviderClient({
  baseUrl: parseApiAddress(fleet.url),
  timeoutMs: 5000,
  retries: 2,
  concurrency: 64,
});
for (let i = 0; i < Number(values['fleet-ticks']); i++) {
  const started = performance.now();
  const snapshot = await scanFleet(client, { concurrency: 64 });
  if (snapshot.readings.length !== N) throw new Error('incomplete fleet scan');
  const took = performance.now() - started;
  fleetScans.push(took);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, INTERVAL_MS - took)));
}
await client.close();
await fleet.stop();

const list = [...ticks.entries()].sort((a, b) => a[0] - b[0]);
// The first tick reads the whole fleet to learn who belongs to the service (and runs cold):
// start-up, reported but not held to the interval. The same for the first full-fleet scan.
const durations = list.slice(1).map(([ts, t]) => t.lastAt - ts);
const firstTick = list[0] === undefined ? Number.NaN : list[0][1].lastAt - list[0][0];
const steadyFleet = fleetScans.slice(1);
const gaps = list.slice(1).map(([ts], i) => ts - (list[i]?.[0] ?? ts));
const quarter = Math.floor(rss.length / 4);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const early = mean(rss.slice(quarter, 2 * quarter));
const late = mean(rss.slice(-quarter));
console.log(
  `  ${list.length} ticks, ${list[0]?.[1].rows ?? 0} instances each; first tick ${firstTick} ms, then scans ${Math.min(...durations)}–${Math.max(...durations)} ms, tick gaps ${Math.min(...gaps)}–${Math.max(...gaps)} ms; exit ${code}${stderr ? `; stderr: ${stderr.trim().slice(0, 200)}` : ''}`,
);
console.log(
  `  RSS: start ${rss[0]?.toFixed(0)} MB, 2nd quarter ${early.toFixed(1)} MB, last quarter ${late.toFixed(1)} MB, peak ${Math.max(...rss).toFixed(0)} MB`,
);
console.log(
  `  all services: ${fleetScans.length} full scans of ${N}, one a second: ${fleetScans.map((x) => x.toFixed(0)).join(' ')} ms`,
);
finish('monitor-scale', [
  verdict(
    'slowest scan after the first vs the 1 s interval',
    Math.max(...durations),
    INTERVAL_MS,
    'ms',
  ),
  verdict('ticks missed', Math.max(0, SECONDS - 2 - list.length), 0, ''),
  verdict('memory growth, last vs 2nd quarter', ((late - early) / early) * 100, 10, '%', 1),
  verdict(
    'slowest full-fleet scan after the first (all services) vs the 1 s interval',
    Math.max(...steadyFleet),
    INTERVAL_MS,
    'ms',
  ),
]);
