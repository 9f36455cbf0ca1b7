// Load check of `fleetmon serve` (issue #6): 200 concurrent clients on /api/v1/services and
// /metrics against a 10,000-instance simulated fleet, 10 s each, on loopback. Also times the
// Prometheus render at 10k and 100k instances. Bounded: every child is killed at the end.
//
//   node bench/serve-load.ts [--instances 10000] [--connections 200] [--seconds 10]
//
// Needs the built CLI (npm run build). Results go to stdout; copy them into bench/README.md.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { Reading } from '../src/core/types.ts';
import { buildFleetView } from '../src/server/fleet-view.ts';
import { createFleetMetrics } from '../src/server/metrics.ts';
import { systemClock } from '../src/time/clock.ts';
import { BIN, fleetmonEnv } from './lib/harness.ts';

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
  },
});
const INSTANCES = Number(values.instances);
const CONNECTIONS = Number(values.connections);
const SECONDS = Number(values.seconds);
const children: ChildProcess[] = [];

/** Starts `bin/fleetmon args` and resolves with the first URL matching `pattern` on stderr. */
function startChild(args: string[], pattern: RegExp): Promise<string> {
  const child = spawn(BIN, args, { stdio: ['ignore', 'ignore', 'pipe'], env: fleetmonEnv() });
  children.push(child);
  let stderr = '';
  return new Promise((resolve, reject) => {
    const limit = setTimeout(() => reject(new Error(`no URL in time: ${stderr}`)), 30_000);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const url = pattern.exec(stderr)?.[1];
      if (url !== undefined) {
        clearTimeout(limit);
        resolve(url);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const status = await fetch(`${url}readyz`)
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('serve not ready within 120 s');
}

/** Median render time of the exposition (fleet part uncached) for `n` instances. */
async function timeRender(n: number): Promise<{ median: number; record: number; bytes: number }> {
  const services = ['UserService', 'AuthService', 'OrderService', 'MLService', 'SearchService'];
  const readings: Reading[] = Array.from({ length: n }, (_, i) => ({
    ip: `10.${58 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`,
    ok: true,
    stats: { service: services[i % services.length] ?? 'S', cpu: i % 100, memory: (i * 7) % 100 },
    attempts: 1,
  }));
  const rules = { maxCpu: 75, maxMemory: 75, minHealthy: 2 };
  const view = buildFleetView({ startedAt: Date.now(), durationMs: 1000, readings }, rules, 1);
  const metrics = createFleetMetrics(
    { version: 'bench', build: 'bench', commit: 'bench' },
    systemClock,
  );
  const renders: number[] = [];
  const records: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 7; i++) {
    let t = performance.now();
    metrics.recordScan(view);
    records.push(performance.now() - t);
    t = performance.now();
    bytes = (await metrics.render()).body.length;
    renders.push(performance.now() - t);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return { median: median(renders), record: median(records), bytes };
}

async function load(url: string, headers: Record<string, string>): Promise<autocannon.Result> {
  return autocannon({ url, connections: CONNECTIONS, duration: SECONDS, timeout: 10, headers });
}

try {
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  );
  for (const n of [10_000, 100_000]) {
    const r = await timeRender(n);
    console.log(
      `metrics render, ${n} instances (${(r.bytes / 2 ** 20).toFixed(1)} MiB): ${r.median.toFixed(0)} ms per uncached render, ${r.record.toFixed(1)} ms to record a scan`,
    );
  }
  const mockUrl = await startChild(
    ['mock', '--host', '127.0.0.1', '--port', '0', '--instances', String(INSTANCES)],
    /on (http:\/\/\S+?) /,
  );
  const serveUrl = await startChild(
    [
      'serve',
      '--api',
      mockUrl,
      '--listen',
      '127.0.0.1:0',
      '--concurrency',
      '64',
      '--interval',
      '15s',
    ],
    /dashboard on (http:\/\/\S+\/)/,
  );
  const started = performance.now();
  await waitReady(serveUrl);
  console.log(
    `first scan of ${INSTANCES} instances ready after ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  // Prometheus scrapes with `Accept-Encoding: gzip`; the plain form is measured as well.
  const runs: [string, Record<string, string>][] = [
    ['api/v1/services', {}],
    ['metrics', { 'accept-encoding': 'gzip' }],
    ['metrics', {}],
  ];
  for (const [path, headers] of runs) {
    const r = await load(serveUrl + path, headers);
    const errors = r.errors + r.timeouts + r.non2xx;
    console.log(
      `${path}${headers['accept-encoding'] ? ' (gzip)' : ''}: ${CONNECTIONS} connections × ${SECONDS} s: ${r.requests.total} requests (${r.requests.average.toFixed(0)} req/s), ` +
        `latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms; ` +
        `${(r.throughput.average / 2 ** 20).toFixed(1)} MiB/s; errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}`,
    );
    if (errors > 0) process.exitCode = 1;
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
}
