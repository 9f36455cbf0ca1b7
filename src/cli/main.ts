import { CommanderError } from 'commander';
import { isFleetmonError } from '../core/errors.ts';
import { buildInfo } from '../server/build-info.ts';
import type { Io } from '../tui/io.ts';
import { EXIT, EXIT_FOR_ERROR, exitForSignal } from './exit-codes.ts';
import { Interrupted } from './interrupted.ts';
import { translateLegacyArgs } from './legacy.ts';
import { buildProgram, type Invocation } from './program.ts';
import { relaunchForLongRun } from './relaunch.ts';
import { runInvocation } from './run.ts';

/** Commands that run until stopped. */
const LONG_RUNNING: ReadonlySet<Invocation['command']> = new Set(['monitor', 'serve', 'mock']);

/** fleetmon's version: package version, build number and commit (`0.2.0+build.57.g1a2b3c4`). */
export const VERSION: string = buildInfo().version;

/**
 * Runs fleetmon with `argv` (without node and script) and returns the exit code.
 * The only top-level catch: typed errors become one line and their documented
 * exit code; anything else is an internal error, with a stack only under --debug.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let invocation: Invocation | undefined;
  const program = buildProgram(VERSION, (inv) => {
    invocation = inv;
  });
  for (const command of [program, ...program.commands]) {
    command.configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Commander's messages, folded to the one line every fleetmon error gets.
      outputError: (text, write) =>
        write(
          `fleetmon: ${text
            .replace(/^error: /, '')
            .trim()
            .replace(/\s*\n\s*/g, ' ')} (see fleetmon --help)\n`,
        ),
    });
  }
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(translateLegacyArgs(argv) ?? [...argv], { from: 'user' });
    if (invocation === undefined) return EXIT.usage;
    if (LONG_RUNNING.has(invocation.command)) relaunchForLongRun();
    return await runInvocation(invocation, io);
  } catch (err) {
    return report(err, io, debug);
  }
}

function report(err: unknown, io: Io, debug: boolean): number {
  if (err instanceof CommanderError) {
    // Commander has already printed help, the version, or its one-line error.
    const done = err.code === 'commander.helpDisplayed' || err.code === 'commander.version';
    return done ? EXIT.ok : EXIT.usage;
  }
  if (err instanceof Interrupted) {
    // Ctrl-C on a one-shot command: nothing half-done is printed, and the shell sees 128 + signal.
    io.stderr.write(`fleetmon: ${err.message}\n`);
    return exitForSignal(err.signal);
  }
  if (isFleetmonError(err)) {
    io.stderr.write(`fleetmon: ${err.message}${err.hint ? ` (${err.hint})` : ''}\n`);
    if (debug && err.stack) io.stderr.write(`${err.stack}\n`);
    return EXIT_FOR_ERROR[err.code];
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`fleetmon: internal error: ${message}\n`);
  if (debug && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  else io.stderr.write('fleetmon: rerun with --debug for details, and please report it\n');
  return EXIT.internal;
}
