import { type Clock, systemClock } from '../time/clock.ts';
import { exitForSignal } from './exit-codes.ts';

/** The reason given to aborted work when the user interrupts fleetmon (Ctrl-C, SIGTERM). */
export class Interrupted extends Error {
  readonly signal: NodeJS.Signals;

  constructor(signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.signal = signal;
  }
}

/** Repeats closer than this to the first signal are echoes of it, not a second request. */
const ECHO_MS = 1000;

/**
 * Calls `stop` on the first SIGINT or SIGTERM. A repeat within a second is the same Ctrl-C seen
 * twice (a terminal signals the whole process group, and a wrapper such as npx may forward it
 * too) and is ignored; a later one means "stop now": exit at once with the signal's code. Returns the function that stops listening; once interrupted, listening goes on
 * while the process winds down, so a late echo cannot kill it by the default action.
 */
export function listenForInterrupt(
  stop: (reason: Interrupted) => void,
  clock: Pick<Clock, 'now'> = systemClock,
): () => void {
  let firstAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (firstAt === undefined) {
      firstAt = clock.now();
      stop(new Interrupted(signal));
      return;
    }
    if (clock.now() - firstAt >= ECHO_MS) process.exit(exitForSignal(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    if (firstAt !== undefined) return;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
