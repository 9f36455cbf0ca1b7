/**
 * V8 flags that `bin/fleetmon` starts Node with for the one-shot commands, and that a
 * long-running command is better without.
 *
 * `--no-concurrent-recompilation`: V8 optimises hot functions on a background thread by
 * default. A one-shot command ends before that thread pays for the core it takes from the
 * scan (and from a provider on the same machine); a process that stays up (`monitor`,
 * `serve`, `mock`) wants its optimised code without blocking its event loop. The flag is
 * named here and in bin/fleetmon, which starts Node; docs/tuning.md has the measurements.
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
