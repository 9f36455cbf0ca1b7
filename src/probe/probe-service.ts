import type { ProbeResult } from '../core/probe-types.ts';
import type { Clock } from '../time/clock.ts';
import { ProbeBoard, type ProbeReader } from './probe-board.ts';
import type { ProbeSpec } from './probe-spec.ts';
import type { ProbeRunner } from './run-probe.ts';
import { ProbeScheduler, type ScheduleChange } from './scheduler.ts';

/** What `serve`'s probes run with. */
export interface ProbeServiceOptions {
  readonly run: ProbeRunner;
  /** The schedule's timers, and the board's window (by the wall clock). */
  readonly clock: Clock;
  /** How much history the in-memory rings keep, in ms. */
  readonly windowMs: number;
  /** One line for the server log: a probe going bad or recovering. */
  readonly log: (line: string) => void;
  /**
   * Every result, after the board has it: the seam for the history store (and alerts), which
   * append `ProbeResult`s. Called in the order runs end; never after `stop`.
   */
  readonly onResult?: (result: ProbeResult) => void;
}

/** The configured probes, running. */
export interface ProbeService {
  /** Latest results and chart history, for the API, /metrics and the dashboard. */
  readonly board: ProbeReader;
  /** Applies a new set of probes (a config reload); history of the probes kept stays. */
  update(specs: readonly ProbeSpec[]): ScheduleChange;
  /** Stops every timer and run in flight. */
  stop(): Promise<void>;
}

/** Starts running `specs` on their intervals. */
export function startProbes(
  specs: readonly ProbeSpec[],
  options: ProbeServiceOptions,
): ProbeService {
  const board = new ProbeBoard({ windowMs: options.windowMs, now: () => options.clock.wallNow() });
  const lastVerdict = new Map<string, string>();
  const scheduler = new ProbeScheduler({
    run: options.run,
    clock: options.clock,
    log: options.log,
    onResult: (result) => {
      board.record(result);
      logTransition(result, lastVerdict, options.log);
      options.onResult?.(result);
    },
  });
  const update = (next: readonly ProbeSpec[]): ScheduleChange => {
    board.setSpecs(next);
    const change = scheduler.update(next);
    for (const name of [...change.removed, ...change.changed]) lastVerdict.delete(name);
    return change;
  };
  update(specs);
  return { board, update, stop: () => scheduler.stop() };
}

/** Logs a probe's first result when it is not ok, and every change of verdict after that. */
function logTransition(
  result: ProbeResult,
  last: Map<string, string>,
  log: (line: string) => void,
): void {
  const before = last.get(result.probe);
  last.set(result.probe, result.verdict);
  if (before === result.verdict || (before === undefined && result.ok)) return;
  log(
    result.ok
      ? `probe ${result.probe}: ok again`
      : `probe ${result.probe}: ${result.verdict}: ${result.reason ?? result.failure ?? 'no reason'}`,
  );
}
