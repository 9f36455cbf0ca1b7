// `fleetmon serve` over time against a provider in a process of its own, as users run it
// (bin/fleetmon): its memory (/proc), every scan written to the history store or not, and the
// store's size. Two uses, with the bounds they are checked against:
//
//   issue 20, finding 6: a churning fleet must not grow serve's memory without bound
//     node bench/serve-soak.ts --instances 1000 --churn 5% --interval 1s --minutes 10 --store memory
//     (add --history 2m to see the in-memory window fill and memory level off within the run)
//   issue 16, target 4: 10,000 instances every second for 10 minutes
//     node bench/serve-soak.ts --instances 10000 --interval 1s --minutes 10
//
// PASS: RSS at the end ≤ 1.5 × RSS after the first minute, and (with a persistent store) no
// scan missed: every scan that completed was written, none dropped, none left waiting.
// --store: memory, a file, a postgres:// URL, or (default) a new SQLite file in a temporary
// directory. Linux only (/proc). Needs the built CLI (npm run build). Not part of `npm test`.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rate } from '../src/config/fields.ts';
import { parseDuration } from '../src/core/duration.ts';
import { BIN, fleetmonEnv, startProvider } from './lib/harness.ts';
import { type ProcSample, sampleProc, slopePerMinute } from './lib/proc.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    instances: { type: 'string', default: '1000' },
    interval: { type: 'string', default: '1s' },
    churn: { type: 'string', default: '0' },
    store: { type: 'string' },
    history: { type: 'string' },
    seed: { type: 'string', default: '9' },
  },
});
const MINUTES = Number(values.minutes);
const INSTANCES = Number(values.instances);
const churn = rate(values.churn);
const intervalMs = parseDuration(values.interval);
if (!(MINUTES > 0) || !(INSTANCES > 0) || !churn.ok || intervalMs === null) {
  process.stderr.write(
    'usage: node bench/serve-soak.ts [--minutes 10] [--instances 1000] [--interval 1s] [--churn 5%] [--store memory|PATH|URL]\n',
  );
  process.exit(2);
}
const SAMPLE_MS = 10_000;
const PROBE = new URL('./soak-probe.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'fleetmon-serve-soak-'));
const probeFile = join(dir, 'probe.ndjson');
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
const store = values.store ?? join(dir, 'history.db');
const file = store !== 'memory' && !/^postgres/i.test(store) ? store : undefined;

const provider = await startProvider({
  instances: INSTANCES,
  seed: Number(values.seed),
  churn: churn.value,
  churnIntervalMs: 1000,
});
const child = spawn(
  BIN,
  [
    '--api',
    `127.0.0.1:${provider.port}`,
    'serve',
    '--listen',
    '127.0.0.1:0',
    '--interval',
    values.interval,
    '--store',
    store,
  ],
  // The probe (bench/soak-probe.ts) records the heap after a full GC: live objects, not the allocator.
  {
    env: fleetmonEnv({
      NODE_OPTIONS: `--expose-gc --import=${PROBE}`,
      SOAK_PROBE_FILE: probeFile,
      SOAK_PROBE_MS: String(SAMPLE_MS),
    }),
    stdio: ['ignore', 'ignore', 'pipe'],
  },
);
const url = await dashboardUrl(child);
const pid = child.pid ?? 0;
process.stderr.write(
  `serve-soak: ${INSTANCES} instances${churn.value > 0 ? `, ${values.churn} replaced every second` : ''}, scanned every ${values.interval} for ${MINUTES} min, store ${store} (pid ${pid})\n`,
);

interface Point extends ProcSample {
  scans: number;
  written: number;
  dropped: number;
  pending: number;
  bytes: number | null;
}
const points: Point[] = [];
const started = Date.now();
const sample = async (): Promise<void> => {
  const proc = sampleProc(pid);
  if (proc === null) return;
  const metrics = await scrape();
  const point = { ...proc, ...metrics, bytes: sizeOf(file) };
  points.push(point);
  process.stderr.write(
    `serve-soak: ${((point.t - started) / 60_000).toFixed(1)} min, rss ${(point.rssKiB / 1024).toFixed(1)} MB, ${point.scans} scans, ${point.written} written, ${point.pending} waiting, ${point.dropped} dropped${point.bytes === null ? '' : `, store ${(point.bytes / 1024 ** 2).toFixed(1)} MB`}\n`,
  );
};
const timer = setInterval(() => void sample(), SAMPLE_MS);
await new Promise((resolve) => setTimeout(resolve, MINUTES * 60_000));
clearInterval(timer);
// Let the last scan's write land, then read the end state.
await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 2 * intervalMs)));
await sample();
child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));
await provider.stop();
report();

async function scrape(): Promise<Omit<Point, keyof ProcSample | 'bytes'>> {
  const text = await (await fetch(`${url}metrics`)).text();
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  return {
    scans: value(/^fleetmon_scans_total\{result="success"\} (\d+)/m),
    written: value(/^fleetmon_store_written_scans_total (\d+)/m),
    dropped: value(/^fleetmon_store_dropped_scans_total (\d+)/m),
    pending: value(/^fleetmon_store_pending_scans (\d+)/m),
  };
}

function heapAfterGc(): { t: number; heapUsed: number }[] {
  try {
    return readFileSync(probeFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { t: number; heapUsed: number });
  } catch {
    return [];
  }
}

function sizeOf(path: string | undefined): number | null {
  if (path === undefined) return null;
  let bytes = 0;
  for (const suffix of ['', '-wal']) {
    try {
      bytes += statSync(path + suffix).size;
    } catch {
      // no WAL file: checkpointed
    }
  }
  return bytes;
}

function dashboardUrl(process: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const limit = setTimeout(() => reject(new Error(`serve did not start: ${text}`)), 30_000);
    process.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      const match = /dashboard on (http:\/\/\S+\/)/.exec(text);
      if (match?.[1] !== undefined) {
        clearTimeout(limit);
        resolve(match[1]);
      }
    });
  });
}

function report(): void {
  const minute = points.find((p) => p.t - started >= 60_000) ?? points[0];
  const last = points[points.length - 1];
  if (minute === undefined || last === undefined) throw new Error('no samples');
  const ratio = last.rssKiB / minute.rssKiB;
  const after = points.filter((p) => p.t >= minute.t);
  const slope = slopePerMinute(after.map((p) => [(p.t - started) / 60_000, p.rssKiB / 1024]));
  const persistent = store !== 'memory';
  const missed = persistent ? last.scans - last.written : 0;
  const memoryOk = ratio <= 1.5;
  const scansOk = !persistent || (missed === 0 && last.dropped === 0 && last.pending === 0);
  const mb = (kib: number) => `${(kib / 1024).toFixed(1)} MB`;
  console.log(
    `serve-soak: ${INSTANCES} instances, churn ${values.churn}, every ${values.interval}, ${MINUTES} min, store ${values.store ?? 'sqlite (temporary file)'}`,
  );
  console.log(
    `  RSS after 1 min ${mb(minute.rssKiB)}, at the end ${mb(last.rssKiB)}: ${ratio.toFixed(2)} × (bound 1.5 ×); trend ${slope.toFixed(2)} MB/min`,
  );
  const heap = heapAfterGc().filter((h) => h.t >= minute.t);
  if (heap.length > 1) {
    const first = heap[0] as { heapUsed: number };
    const end = heap[heap.length - 1] as { heapUsed: number };
    const heapSlope = slopePerMinute(
      heap.map((h) => [(h.t - started) / 60_000, h.heapUsed / 1024 ** 2]),
    );
    console.log(
      `  heap after a full GC ${(first.heapUsed / 1024 ** 2).toFixed(1)} MB after 1 min, ${(end.heapUsed / 1024 ** 2).toFixed(1)} MB at the end; trend ${heapSlope.toFixed(2)} MB/min`,
    );
  }
  console.log(
    `  scans ${last.scans}, written ${last.written}, waiting ${last.pending}, dropped ${last.dropped}${persistent ? `: ${missed} not written (bound 0)` : ''}`,
  );
  if (last.bytes !== null && minute.bytes !== null) {
    const perMinute = (last.bytes - minute.bytes) / ((last.t - minute.t) / 60_000);
    console.log(
      `  store ${(last.bytes / 1024 ** 2).toFixed(1)} MB at the end, growing ${(perMinute / 1024 ** 2).toFixed(2)} MB/min (${(perMinute / Math.max(1, (last.scans - minute.scans) / ((last.t - minute.t) / 60_000)) / INSTANCES).toFixed(1)} bytes per instance-sample, rollups and events included)`,
    );
  }
  console.log(memoryOk && scansOk ? 'PASS' : 'FAIL');
  process.exitCode = memoryOk && scansOk ? 0 : 1;
}
