// Interleaved A/B timing of whole commands: runs each command once per round, in turn, for
// `--runs` rounds, and prints the median, first quartile and minimum wall time of each, from
// spawn to exit. Interleaving lets a VM's drifting speed hit every command alike, which
// back-to-back batches do not. Used for the comparisons in bench/README.md, e.g. two built
// copies of fleetmon against one provider process:
//
//   node bench/ab.ts --runs 25 'old=/tmp/a/bin/fleetmon --api 127.0.0.1:9001 instances' \
//                              'new=/tmp/b/bin/fleetmon --api 127.0.0.1:9001 instances'
//
// Each argument is LABEL=COMMAND, the command split on spaces (no shell). A command that exits
// non-zero stops the run with its stderr.
import { parseArgs } from 'node:util';
import { median, runCommand } from './lib/harness.ts';

const { values, positionals } = parseArgs({
  options: { runs: { type: 'string', default: '21' } },
  allowPositionals: true,
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || positionals.length === 0) {
  console.error("usage: node bench/ab.ts [--runs N] 'LABEL=COMMAND' ...");
  process.exit(2);
}
const commands = positionals.map((spec) => {
  const at = spec.indexOf('=');
  const argv = spec
    .slice(at + 1)
    .trim()
    .split(/\s+/);
  return { label: spec.slice(0, at), argv, ms: [] as number[] };
});

for (let round = 0; round < runs; round++) {
  for (const command of commands) {
    const [file = '', ...args] = command.argv;
    const run = await runCommand(file, args, process.env);
    command.ms.push(run.ms);
    if (run.code !== 0) {
      console.error(`${command.label} exited ${run.code}: ${run.stderr}`);
      process.exit(1);
    }
  }
}
for (const { label, ms } of commands) {
  const sorted = [...ms].sort((a, b) => a - b);
  const quartile = sorted[Math.floor(sorted.length / 4)] ?? Number.NaN;
  console.log(
    `${label.padEnd(12)} median ${median(ms).toFixed(1)} ms, p25 ${quartile.toFixed(1)}, min ${(sorted[0] ?? Number.NaN).toFixed(1)} (${runs} runs)`,
  );
}
