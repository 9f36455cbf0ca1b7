// Target 4 of issue #4: `fleetmon --help` and `fleetmon --version` in at most 150 ms wall,
// measured from spawn to exit (median of --runs; p90 shown too). Runs bin/fleetmon as users
// do, on the Node that runs this script (the pinned Node 24 under `npm run bench`).
//
//   node bench/startup.ts [--runs 21]
import { parseArgs } from 'node:util';
import { finish, machine, median, runFleetmon, verdict } from './lib/harness.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' } } });
const RUNS = Number(values.runs);

console.log(`# startup: bin/fleetmon --help / --version, ${RUNS} runs each`);
console.log(`  machine: ${machine()}`);
const results: boolean[] = [];
for (const flag of ['--help', '--version']) {
  await runFleetmon([flag]); // fills the compile cache, as any earlier run would have
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push((await runFleetmon([flag])).ms);
  const sorted = [...times].sort((a, b) => a - b);
  const p90 = sorted[Math.floor(sorted.length * 0.9)] ?? Number.NaN;
  console.log(
    `  ${flag}: median ${median(times).toFixed(0)} ms, p90 ${p90.toFixed(0)} ms, min ${sorted[0]?.toFixed(0)} ms`,
  );
  results.push(verdict(`fleetmon ${flag}`, median(times), 150, 'ms'));
}
finish('startup', results);
