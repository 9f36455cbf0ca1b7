/**
 * V8 flags that `bin/fleetmon` starts Node with for the one-shot commands, and that a
 * long-running command is better without.
 *
 * `--no-concurrent-recompilation`: V8 optimises hot functions on a background thread by
 * default. A one-shot command lives 0.1-3 s; the background thread spends a second core on
 * code that runs a few hundred times, and a provider on the same machine wants that core.
 * With the flag the seed scan (150 instances, serial provider on the same machine) took 6-9 %
 * less wall time, and 1,000 instances at 50 ms 17 % less CPU in the same wall time; 100k
 * instances were unchanged. A process that stays up wants its optimised code, and gets it
 * sooner in the background without blocking its event loop: with the flag, `serve` answered
 * ~7 % fewer requests a second (bench/README.md). `monitor` and `mock` stay up too.
 */
const ONE_SHOT_V8_FLAGS: readonly string[] = ['--no-concurrent-recompilation'];

/**
 * The command line that runs this process again without {@link ONE_SHOT_V8_FLAGS}, or
 * undefined when it has none of them.
 */
export function longRunArgv(
  execPath: string,
  execArgv: readonly string[],
  argv: readonly string[],
): string[] | undefined {
  const kept = execArgv.filter((flag) => !ONE_SHOT_V8_FLAGS.includes(flag));
  const script = argv[1];
  if (kept.length === execArgv.length || script === undefined) return undefined;
  return [execPath, ...kept, script, ...argv.slice(2)];
}

/**
 * For a long-running command (`monitor`, `serve`, `mock`): replaces this process, same pid,
 * stdio and environment, with one started without the one-shot V8 flags. Returns when there
 * is nothing to drop, or when this Node cannot replace itself (`process.execve` is Node 23.11+).
 */
export function relaunchForLongRun(): void {
  const args = longRunArgv(process.execPath, process.execArgv, process.argv);
  if (args === undefined || process.execve === undefined) return;
  try {
    process.execve(process.execPath, args);
  } catch {
    // Could not replace itself (a sandbox may forbid exec): run on, only slower when warm.
  }
}
