import type { ProbeResult } from '../core/probe-types.ts';
import type { Clock, Timer } from '../time/clock.ts';
import { type ProbeSpec, specKey } from './probe-spec.ts';
import type { ProbeRunner } from './run-probe.ts';

/** What a reload changed, by probe name. */
export interface ScheduleChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

/** What the scheduler needs. */
export interface SchedulerOptions {
  readonly run: ProbeRunner;
  /** Every result, in the order runs end; never called after `stop`. */
  readonly onResult: (result: ProbeResult) => void;
  /** Its timers are unref'd: probes never keep the process up alone. */
  readonly clock: Clock;
  /** One line about something that went wrong in a sink. */
  readonly log: (line: string) => void;
}

/** First runs are spread over this much (or the interval, when shorter), by name. */
const FIRST_RUN_SPREAD_MS = 5000;
/**
 * First runs start on a grid this fine, so probes due together run together: their timers
 * and network events share wake-ups of the event loop. 200 probes at 5 s cost ~35 % less CPU
 * in batches of 10 than one by one (bench/README.md).
 */
const SLOT_MS = 250;

interface Entry {
  spec: ProbeSpec;
  key: string;
  /** The last result of this definition, handed to the next run. */
  last: ProbeResult | undefined;
  nextAt: number;
  timer: Timer | undefined;
  controller: AbortController | undefined;
  running: Promise<void> | undefined;
}

/**
 * Runs each probe every `intervalMs`, at a fixed rate: a run still going when the next is due
 * makes that one skip, never pile up. `update` applies a new set of probes (a reload): new ones
 * start, removed ones stop (their run in flight is aborted), changed ones restart, unchanged
 * ones keep their rhythm. `stop` releases every timer and waits for runs in flight to end.
 */
export class ProbeScheduler {
  readonly #options: SchedulerOptions;
  readonly #entries = new Map<string, Entry>();
  /** Every run not yet ended, those of removed and changed probes included. */
  readonly #running = new Set<Promise<void>>();
  #stopped = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  /** The probes scheduled now, in the order given. */
  get specs(): readonly ProbeSpec[] {
    return [...this.#entries.values()].map((entry) => entry.spec);
  }

  /** Runs not yet ended. */
  get inFlight(): number {
    return this.#running.size;
  }

  /** Schedules exactly `specs` (names are unique), and says what changed. */
  update(specs: readonly ProbeSpec[]): ScheduleChange {
    const change = { added: [] as string[], removed: [] as string[], changed: [] as string[] };
    if (this.#stopped) return change;
    const wanted = new Map(specs.map((spec) => [spec.name, spec]));
    for (const [name, entry] of this.#entries) {
      if (wanted.has(name)) continue;
      this.#cancel(entry);
      this.#entries.delete(name);
      change.removed.push(name);
    }
    const ordered = new Map<string, Entry>();
    for (const spec of specs) {
      const key = specKey(spec);
      const existing = this.#entries.get(spec.name);
      if (existing !== undefined && existing.key === key) {
        ordered.set(spec.name, existing);
        continue;
      }
      if (existing !== undefined) {
        this.#cancel(existing);
        change.changed.push(spec.name);
      } else change.added.push(spec.name);
      const entry: Entry = {
        spec,
        key,
        nextAt: this.#options.clock.now() + firstDelay(spec),
        last: undefined,
        timer: undefined,
        controller: undefined,
        running: undefined,
      };
      ordered.set(spec.name, entry);
      this.#arm(entry);
    }
    this.#entries.clear();
    for (const [name, entry] of ordered) this.#entries.set(name, entry);
    return change;
  }

  /** Stops every timer, aborts runs in flight, and resolves once they have ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const entry of this.#entries.values()) this.#cancel(entry);
    this.#entries.clear();
    await Promise.all(this.#running);
  }

  #arm(entry: Entry): void {
    const { clock } = this.#options;
    entry.timer = clock
      .setTimeout(() => this.#fire(entry), Math.max(0, entry.nextAt - clock.now()))
      .unref();
  }

  #fire(entry: Entry): void {
    entry.timer = undefined;
    if (this.#stopped || this.#entries.get(entry.spec.name) !== entry) return;
    if (entry.running === undefined) this.#start(entry);
    const now = this.#options.clock.now();
    // Fixed rate; after a stall (a suspended laptop, a blocked loop) resume, do not catch up.
    entry.nextAt += entry.spec.intervalMs;
    if (entry.nextAt <= now) entry.nextAt = now + entry.spec.intervalMs;
    this.#arm(entry);
  }

  #start(entry: Entry): void {
    const controller = new AbortController();
    entry.controller = controller;
    const running = this.#options
      .run(entry.spec, controller.signal, entry.last)
      .then((result) => {
        if (controller.signal.aborted || this.#stopped) return;
        entry.last = result;
        try {
          this.#options.onResult(result);
        } catch (err) {
          this.#options.log(
            `probe ${entry.spec.name}: result not recorded: ${(err as Error).message}`,
          );
        }
      })
      .catch((err: unknown) => {
        this.#options.log(`probe ${entry.spec.name}: internal error: ${(err as Error).message}`);
      })
      .finally(() => {
        this.#running.delete(running);
        if (entry.controller === controller) {
          entry.controller = undefined;
          entry.running = undefined;
        }
      });
    entry.running = running;
    this.#running.add(running);
  }

  #cancel(entry: Entry): void {
    this.#options.clock.clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.controller?.abort();
  }
}

/** Where in the first interval a probe first runs: a slot fixed by its name, so reloads keep it. */
function firstDelay(spec: ProbeSpec): number {
  let hash = 2166136261;
  for (let i = 0; i < spec.name.length; i++) {
    hash = Math.imul(hash ^ spec.name.charCodeAt(i), 16777619) >>> 0;
  }
  const slots = Math.max(1, Math.floor(Math.min(spec.intervalMs, FIRST_RUN_SPREAD_MS) / SLOT_MS));
  return (hash % slots) * SLOT_MS;
}
