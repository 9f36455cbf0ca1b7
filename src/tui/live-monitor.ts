import { isFleetmonError } from '../core/errors.ts';
import { type Clock, systemClock, type Timer } from '../time/clock.ts';
import { renderFrame } from './frame.ts';
import type { Io } from './io.ts';
import type { Key } from './keys.ts';
import {
  type Effect,
  type MonitorConfig,
  MonitorModel,
  type ScanResult,
  type Target,
} from './model.ts';
import { ScreenWriter } from './screen.ts';
import { type ScreenStream, Terminal } from './terminal.ts';

/** Reads one target from the provider; the live view knows nothing else about it. */
export interface MonitorSource {
  scan(
    target: Target,
    signal: AbortSignal,
    onProgress: (done: number, total: number) => void,
  ): Promise<ScanResult>;
}

/** Everything the live view needs from its caller. */
export interface LiveMonitorOptions {
  readonly io: Io & { readonly stdout: ScreenStream };
  readonly source: MonitorSource;
  readonly config: MonitorConfig;
  /** The service to follow; null opens the list of every service. */
  readonly service: string | null;
  /** Stop after this many scans. */
  readonly count?: number | undefined;
  /** Aborted on SIGINT / SIGTERM: the view closes and the run ends normally. */
  readonly signal: AbortSignal;
  /** The scan schedule's timers and the time of a failed scan; default the system's. */
  readonly clock?: Clock;
}

/**
 * Runs the full-screen live view until q, Ctrl-C, SIGTERM or --count. Resolves normally
 * in all those cases; rejects (after the terminal is restored) when the first scan fails
 * or on an internal error, so the caller prints the error on the normal screen.
 */
export async function runLiveMonitor(options: LiveMonitorOptions): Promise<void> {
  const { io } = options;
  const terminal = new Terminal(io.stdout, io.stdin, io.stderr);
  terminal.open();
  const monitor = new LiveMonitor(terminal, options);
  try {
    await monitor.run();
  } finally {
    monitor.dispose();
    terminal.close();
  }
}

class LiveMonitor {
  readonly #terminal: Terminal;
  readonly #options: LiveMonitorOptions;
  readonly #model: MonitorModel;
  readonly #writer: ScreenWriter;
  readonly #clock: Clock;
  readonly #done = Promise.withResolvers<void>();
  readonly #stop = new AbortController();
  #timer: Timer | undefined;
  #scan: AbortController | null = null;
  #scanId = 0;
  #lastStartAt = Number.NEGATIVE_INFINITY;
  #scans = 0;
  #renderQueued = false;

  constructor(terminal: Terminal, options: LiveMonitorOptions) {
    this.#terminal = terminal;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#model = new MonitorModel(options.config, options.service);
    this.#writer = new ScreenWriter((text) => terminal.write(text));
  }

  run(): Promise<void> {
    const { signal } = this.#options;
    if (signal.aborted) return Promise.resolve();
    const onAbort = () => this.#finish();
    signal.addEventListener('abort', onAbort, { once: true });
    this.#stop.signal.addEventListener('abort', () => signal.removeEventListener('abort', onAbort));
    this.#terminal.onKeys((keys) => this.#guard(() => this.#onKeys(keys)));
    this.#terminal.onResize(() =>
      this.#guard(() => {
        this.#model.applyResize(this.#terminal.size());
        this.#writer.invalidate();
        this.#render();
      }),
    );
    this.#guard(() => {
      this.#model.applyResize(this.#terminal.size());
      this.#render();
      this.#startScan();
    });
    return this.#done.promise;
  }

  /** Stops timers and the scan in flight. */
  dispose(): void {
    this.#stop.abort();
    this.#clock.clearTimeout(this.#timer);
    this.#scan?.abort();
  }

  #onKeys(keys: readonly Key[]): void {
    for (const key of keys) this.#apply(this.#model.applyKey(key));
    this.#queueRender();
  }

  #apply(effect: Effect): void {
    switch (effect) {
      case 'quit':
        this.#finish();
        return;
      case 'rescan':
        this.#startScan();
        return;
      case 'reschedule':
        this.#schedule();
        return;
      case 'redraw':
        this.#writer.invalidate();
        return;
      case 'none':
        return;
    }
  }

  #startScan(): void {
    this.#clock.clearTimeout(this.#timer);
    if (this.#stop.signal.aborted) return;
    this.#scan?.abort();
    const controller = new AbortController();
    const id = ++this.#scanId;
    this.#scan = controller;
    this.#lastStartAt = this.#clock.now();
    // dispose() aborts the scan in flight, so one signal per scan is enough.
    const { signal } = controller;
    const onProgress = (done: number, total: number) => {
      if (id !== this.#scanId || this.#model.hasData) return;
      this.#model.applyProgress(done, total);
      this.#queueRender();
    };
    this.#options.source.scan(this.#model.target, signal, onProgress).then(
      (result) => this.#guard(() => this.#onScanned(id, result)),
      (err: unknown) => this.#guard(() => this.#onScanFailed(id, signal, err)),
    );
  }

  #onScanned(id: number, result: ScanResult): void {
    if (id !== this.#scanId || this.#stop.signal.aborted) return;
    this.#scan = null;
    this.#model.applyScan(result);
    this.#scans++;
    this.#queueRender();
    const { count } = this.#options;
    if (count !== undefined && this.#scans >= count) this.#finish();
    else this.#schedule();
  }

  #onScanFailed(id: number, signal: AbortSignal, err: unknown): void {
    if (id !== this.#scanId || signal.aborted) return;
    this.#scan = null;
    // The first scan proves the provider works; after that an outage is news, not a reason to quit.
    if (this.#scans === 0 || !isFleetmonError(err)) throw err;
    this.#model.applyScanError(this.#clock.wallNow(), err.message);
    this.#queueRender();
    this.#schedule();
  }

  /** Arms the timer for the next scan, one interval after the last one started. */
  #schedule(): void {
    this.#clock.clearTimeout(this.#timer);
    if (this.#stop.signal.aborted || this.#model.paused || this.#scan !== null) return;
    const wait = Math.max(0, this.#lastStartAt + this.#model.intervalMs - this.#clock.now());
    this.#timer = this.#clock.setTimeout(() => this.#guard(() => this.#startScan()), wait);
  }

  /** Coalesces bursts of events (key repeat, progress) into one frame. */
  #queueRender(): void {
    if (this.#renderQueued) return;
    this.#renderQueued = true;
    this.#clock.setImmediate(() =>
      this.#guard(() => {
        this.#renderQueued = false;
        this.#render();
      }),
    );
  }

  #render(): void {
    if (this.#stop.signal.aborted) return;
    const size = this.#terminal.size();
    const known = this.#model.size;
    if (known.columns !== size.columns || known.rows !== size.rows) this.#model.applyResize(size);
    this.#writer.draw(renderFrame(this.#model, size), size);
  }

  #finish(): void {
    this.dispose();
    this.#done.resolve();
  }

  /** Any error in an event handler ends the run through the promise, never as an uncaught throw. */
  #guard(action: () => void): void {
    try {
      action();
    } catch (err) {
      this.dispose();
      this.#done.reject(err);
    }
  }
}
