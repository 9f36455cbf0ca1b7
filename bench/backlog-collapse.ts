// The controller against the original's failure mode (docs/architecture.md §1: a single thread with a listen backlog of 5): 150 instances on a
// single-threaded HTTP/1.0 provider with a listen backlog of 5, scanned in this process at
// --concurrency 64 with the adaptive window and with a fixed window of 64 (no adaptation), and
// at a fixed 4 (the old default). A fixed 64 overflows the backlog; dropped connects are
// retried by the connector either way, so the fixed-64 figure shows what adaptation adds.
// Informational (no bound of issue #4); prints the final window and how often it was cut.
//
//   node bench/backlog-collapse.ts [--runs 3] [--python]
import { parseArgs } from 'node:util';
import { parseApiAddress } from '../src/provider/address.ts';
import { createProviderClient } from '../src/provider/client.ts';
import { scanFleet } from '../src/scan/scan.ts';
import {
  machine,
  median,
  type Provider,
  startProvider,
  startPythonProvider,
} from './lib/harness.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    python: { type: 'boolean', default: false },
  },
});
const RUNS = Number(values.runs);

console.log('# backlog-collapse: 150 instances, serial HTTP/1.0 provider, listen backlog 5');
console.log(`  machine: ${machine()}`);
let provider: Provider;
if (values.python) {
  provider = await startPythonProvider([]);
  console.log('  provider: python3 bench/original-provider.py');
} else {
  provider = await startProvider({
    instances: 150,
    serial: true,
    http10: true,
    backlog: 5,
    latencyMs: { min: 0.2, max: 0.2 },
  });
  console.log('  provider: mock serial + http10 + backlog 5, blocking 0.2 ms per request');
}

const modes = [
  { label: 'adaptive, --concurrency 64', concurrency: 64, adaptive: true },
  { label: 'fixed 64', concurrency: 64, adaptive: false },
  { label: 'fixed 4 (the old default)', concurrency: 4, adaptive: false },
];
for (const mode of modes) {
  const times: number[] = [];
  let last = '';
  for (let i = 0; i < RUNS; i++) {
    const client = createProviderClient({
      baseUrl: parseApiAddress(`127.0.0.1:${provider.port}`),
      timeoutMs: 5000,
      retries: 2,
      concurrency: mode.concurrency,
      adaptive: mode.adaptive,
    });
    const started = performance.now();
    const snapshot = await scanFleet(client, { concurrency: mode.concurrency });
    times.push(performance.now() - started);
    const failed = snapshot.readings.filter((r) => !r.ok).length;
    const w = client.traffic?.window;
    last = `final window ${w?.limit}, cut ${w?.decreases}×, ${failed} failed`;
    await client.close();
  }
  console.log(
    `  ${mode.label.padEnd(28)} median ${median(times).toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(' ')}); ${last}`,
  );
}
await provider.stop();
