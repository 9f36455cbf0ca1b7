// Start-up, as a user types it: `bin/fleetmon --help` and `--version` from a shell whose first
// `node` is the system one (fleetmonEnv), each run interleaved with the pinned Node doing nothing
// (`node -e 0`), the floor no launcher can go under. Bounds: 150 ms (scan performance issue,
// target 4) and 2 × the pinned `node -e 0` (issue 21, target 1). Medians of --runs.
//
//   node bench/startup.ts [--runs 21]
import { parseArgs } from 'node:util';
import {
  finish,
  fleetmonEnv,
  machine,
  median,
  runCommand,
  runFleetmon,
  verdict,
} from './lib/harness.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' } } });
const RUNS = Number(values.runs);

console.log(
  `# startup: bin/fleetmon --help / --version against the pinned node -e 0, ${RUNS} interleaved runs each`,
);
console.log(`  machine: ${machine()}`);
const results: boolean[] = [];
for (const flag of ['--help', '--version']) {
  await runFleetmon([flag]); // fills the compile cache, as any earlier run would have
  const times: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    times.push((await runFleetmon([flag])).ms);
    bare.push((await runCommand(process.execPath, ['-e', '0'], fleetmonEnv())).ms);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const p90 = sorted[Math.floor(sorted.length * 0.9)] ?? Number.NaN;
  console.log(
    `  ${flag}: median ${median(times).toFixed(0)} ms, p90 ${p90.toFixed(0)} ms, min ${sorted[0]?.toFixed(0)} ms; pinned node -e 0: median ${median(bare).toFixed(0)} ms`,
  );
  results.push(verdict(`fleetmon ${flag}`, median(times), 150, 'ms'));
  if (flag === '--version') {
    results.push(verdict('--version / node -e 0', median(times) / median(bare), 2, '×', 2));
  }
}
finish('startup', results);
