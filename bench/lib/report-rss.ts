// Preloaded into a fleetmon child by the benchmarks (`node --import`): prints the process's
// peak resident set size on exit, so memory is measured without /usr/bin/time.
import { writeSync } from 'node:fs';

process.once('exit', () => {
  writeSync(2, `fleetmon-bench maxrss=${process.resourceUsage().maxRSS}\n`);
});
