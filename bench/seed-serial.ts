// Target 1 of issue #4: the seed fleet (150 instances) on a slow provider that serves one
// request at a time, answers HTTP/1.0 and closes every connection, with the original's
// listen backlog of 5 (`fleetmon mock --serial --http10 --backlog 5`).
//
// Compares, end to end with process start, `fleetmon instances` (default settings) with a
// sequential one-request-at-a-time client (bench/baseline/sequential-client.ts), and with
// the provider's own capacity: 150 / the best request rate a load tool gets from it at
// concurrency 1, 2 or 4 (close-load.ts; wrk too when installed). Beside them, for reference,
// the least a client can do (bench/baseline/bare-client.ts: 4 at a time, nothing parsed or
// printed). Both baselines run as plain JavaScript, as fleetmon's bundle does (runScript).
//
//   node bench/seed-serial.ts [--runs 9] [--service-ms 0.2] [--python]
//   (--python: bench/original-provider.py, python3's http.server, instead of the mock)
import { parseArgs } from 'node:util';
import { closeDelimitedRate } from './lib/close-load.ts';
import {
  finish,
  fleetIps,
  indexOfMedian,
  machine,
  median,
  type Provider,
  runFleetmon,
  runScript,
  startProvider,
  startPythonProvider,
  statsLine,
  verdict,
  wrkRate,
} from './lib/harness.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' },
    instances: { type: 'string', default: '150' },
    python: { type: 'boolean', default: false },
    // Blocking time per request, so the simulated provider serves about as many requests per
    // second as the original (python3 http.server: ~3k/s here); 0 leaves only node's own cost.
    'service-ms': { type: 'string', default: '0.2' },
  },
});
const RUNS = Number(values.runs);
const N = Number(values.instances);
const BASELINE = new URL('./baseline/sequential-client.ts', import.meta.url).pathname;
const BARE = new URL('./baseline/bare-client.ts', import.meta.url).pathname;
const BARE_WINDOW = 4;

console.log(`# seed-serial: ${N} instances, serial HTTP/1.0 provider with listen backlog 5`);
console.log(`  machine: ${machine()}`);

let provider: Provider;
if (values.python) {
  provider = await startPythonProvider([String(N)]);
  console.log('  provider: python3 bench/original-provider.py (http.server, backlog 5)');
} else {
  const serviceMs = Number(values['service-ms']);
  provider = await startProvider({
    instances: N,
    serial: true,
    http10: true,
    backlog: 5,
    latencyMs: { min: serviceMs, max: serviceMs },
  });
  console.log(`  provider: mock serial + http10 + backlog 5, blocking ${serviceMs} ms per request`);
}
const api = `127.0.0.1:${provider.port}`;
const [firstIp] = await fleetIps(provider);
const statsPath = `/${firstIp}`;

// Capacity first, on an idle machine.
const rates: string[] = [];
let best = 0;
for (const c of [1, 2, 4]) {
  const rate = await closeDelimitedRate('127.0.0.1', provider.port, statsPath, c, 2);
  rates.push(`c${c} ${rate.toFixed(0)}/s`);
  best = Math.max(best, rate);
}
const wrk = wrkRate(`http://${api}${statsPath}`, 4, 2);
if (wrk !== undefined) best = Math.max(best, wrk);
console.log(
  `  load tool: ${rates.join(', ')}${wrk === undefined ? '' : `, wrk c4 ${wrk.toFixed(0)}/s`}`,
);

// Alternate the two clients so that drifting machine load hits both alike.
const fleetmonMs: number[] = [];
const fleetmonStats: string[] = [];
const baselineMs: number[] = [];
const bareMs: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const fm = await runFleetmon(['--api', api, '--stats', 'instances', '-o', 'json']);
  if (fm.code !== 0) throw new Error(`fleetmon failed (${fm.code}): ${fm.stderr}`);
  fleetmonMs.push(fm.ms);
  fleetmonStats.push(statsLine(fm.stderr));
  const seq = await runScript(BASELINE, [api]);
  if (seq.code !== 0) throw new Error(`baseline failed (${seq.code}): ${seq.stderr}`);
  baselineMs.push(seq.ms);
  const bare = await runScript(BARE, [api, String(BARE_WINDOW)]);
  if (bare.code !== 0) throw new Error(`bare client failed (${bare.code}): ${bare.stderr}`);
  bareMs.push(bare.ms);
}
await provider.stop();

const fm = median(fleetmonMs);
const seq = median(baselineMs);
const bound = (N / best) * 1000;
console.log(
  `  fleetmon instances: median ${fm.toFixed(0)} ms of ${RUNS} (${fleetmonMs.map((x) => x.toFixed(0)).join(' ')})`,
);
// What the client saw in the run of median time: re-sent connects, answer times, the window.
console.log(`    ${fleetmonStats[indexOfMedian(fleetmonMs)]}`);
console.log(
  `  sequential client:  median ${seq.toFixed(0)} ms of ${RUNS} (${baselineMs.map((x) => x.toFixed(0)).join(' ')})`,
);
console.log(
  `  bare client:        median ${median(bareMs).toFixed(0)} ms of ${RUNS} (${bareMs.map((x) => x.toFixed(0)).join(' ')}), ${BARE_WINDOW} at a time`,
);
console.log(
  `  provider bound: ${N} / ${best.toFixed(0)} req/s = ${bound.toFixed(0)} ms; ratio fleetmon/sequential ${(fm / seq).toFixed(2)}`,
);
finish('seed-serial', [
  verdict('fleetmon vs ½ sequential', fm, seq / 2, 'ms'),
  verdict('fleetmon vs 2 × provider bound', fm, 2 * bound, 'ms'),
]);
