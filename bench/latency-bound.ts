// Target 2 of issue #4: 1,000 instances behind a concurrent provider with 50 ms per call.
// A full scan at concurrency C must finish within 1.25 × (N × 50 ms / C) plus start-up.
// Start-up is the same command against an empty fleet behind the same provider: process
// start, module loading and the `/servers` round trip.
//
//   node bench/latency-bound.ts [--instances 1000] [--latency-ms 50] [--concurrency 64,32] [--runs 5]
//                               [--python [--keep-alive]]
//   (--python: bench/original-provider.py --threaded, Python's ThreadingHTTPServer: HTTP/1.0,
//   a connection per request, listen backlog 5, instead of the mock; --keep-alive: the same
//   server speaking HTTP/1.1 with kept-alive connections, head and body written apart)
//
// Over HTTP/1.0 it also times a bare client (close-load.ts: no parsing, pacing or retries
// beyond re-sending dropped connects) asking for the same N instances at the same C, between
// fleetmon's runs: what this server gives the least a client can do, which autocannon cannot
// measure on connections that close.
import { parseArgs } from 'node:util';
import { closeDelimitedBatch } from './lib/close-load.ts';
import {
  finish,
  fleetIps,
  indexOfMedian,
  machine,
  median,
  type Provider,
  runFleetmon,
  startProvider,
  startPythonProvider,
  statsLine,
  verdict,
} from './lib/harness.ts';

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: '1000' },
    'latency-ms': { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '64,32' },
    runs: { type: 'string', default: '5' },
    python: { type: 'boolean', default: false },
    'keep-alive': { type: 'boolean', default: false },
  },
});
const N = Number(values.instances);
const LATENCY = Number(values['latency-ms']);
const RUNS = Number(values.runs);
const latencyMs = { min: LATENCY, max: LATENCY };

function threadedPython(instances: number): Promise<Provider> {
  const args = [String(instances), '--threaded', '--latency-ms', String(LATENCY)];
  if (values['keep-alive']) args.push('--keep-alive');
  return startPythonProvider(args);
}

console.log(
  `# latency-bound: ${N} instances, ${LATENCY} ms per call, ${values.python ? `python3 ThreadingHTTPServer (${values['keep-alive'] ? 'HTTP/1.1 keep-alive' : 'HTTP/1.0'}, backlog 5)` : 'concurrent keep-alive provider'}`,
);
console.log(`  machine: ${machine()}`);
const fleet = values.python
  ? await threadedPython(N)
  : await startProvider({ instances: N, latencyMs });
const empty = values.python
  ? await threadedPython(0)
  : await startProvider({ instances: 0, latencyMs });
const closing = values.python && !values['keep-alive'];
// The stats path of every instance, for the bare client.
const paths = closing ? (await fleetIps(fleet)).map((ip) => `/${ip}`) : [];

const results: boolean[] = [];
for (const c of values.concurrency.split(',').map(Number)) {
  const scans: number[] = [];
  const starts: number[] = [];
  const stats: string[] = [];
  const bare: number[] = [];
  const reconnects: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const args = ['--concurrency', String(c), 'instances', '-o', 'json'];
    const full = await runFleetmon(['--api', fleet.url, '--stats', ...args]);
    if (full.code !== 0) throw new Error(`fleetmon failed (${full.code}): ${full.stderr}`);
    const start = await runFleetmon(['--api', empty.url, ...args]);
    scans.push(full.ms);
    starts.push(start.ms);
    stats.push(statsLine(full.stderr));
    if (closing) {
      const batch = await closeDelimitedBatch(fleet.host, fleet.port, paths, c);
      bare.push(batch.ms);
      reconnects.push(batch.reconnects);
    }
  }
  const startup = median(starts);
  const scan = median(scans) - startup;
  const ideal = (N * LATENCY) / c;
  console.log(
    `  C=${c}: end to end median ${median(scans).toFixed(0)} ms (${scans.map((x) => x.toFixed(0)).join(' ')}), start-up ${startup.toFixed(0)} ms, scan ${scan.toFixed(0)} ms = ${(scan / ideal).toFixed(2)} × N×${LATENCY}ms/C (${ideal.toFixed(0)} ms)`,
  );
  // What the client saw in the run of median time: re-sent connects, answer times, the window.
  console.log(`    ${stats[indexOfMedian(scans)]}`);
  if (closing) {
    console.log(
      `  bare client, C=${c}: median ${median(bare).toFixed(0)} ms = ${(median(bare) / ideal).toFixed(2)} × (${bare.map((x) => x.toFixed(0)).join(' ')}), ${reconnects[indexOfMedian(bare)]} connects re-sent in its median run`,
    );
  }
  results.push(verdict(`scan at C=${c} vs 1.25 × N×${LATENCY}ms/C`, scan, 1.25 * ideal, 'ms'));
}
await fleet.stop();
await empty.stop();
finish('latency-bound', results);
