// `npm run bench`: every benchmark of issue #4 in its default (bounded, ~4 min) mode, one after
// the other, each printing its figures, bounds and PASS/FAIL. Exit code 1 if any failed.
// The 5-minute monitor run is `node bench/monitor-scale.ts --long`.
import { spawnSync } from 'node:child_process';

const benches = [
  'startup.ts',
  'seed-serial.ts',
  'backlog-collapse.ts',
  'latency-bound.ts',
  'large-fleet.ts',
  'monitor-scale.ts',
];
let failed = 0;
for (const bench of benches) {
  const path = new URL(`./${bench}`, import.meta.url).pathname;
  const run = spawnSync(process.execPath, [path], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
  console.log();
}
console.log(
  failed === 0 ? 'all benchmarks PASS' : `${failed} of ${benches.length} benchmarks FAIL`,
);
process.exitCode = failed === 0 ? 0 : 1;
