import { formatDuration } from '../core/duration.ts';
import { type Clock, settlesWithin, sleepUnlessAborted } from '../time/clock.ts';
import type { HistoryWriter } from './history.ts';
import { recordBytes, type ScanRecord } from './scan-record.ts';
import { classifyStoreError, type StoreFailure } from './store-error.ts';
import type { RecorderStatus } from './store-health.ts';

export type { RecorderStatus, StoreHealth } from './store-health.ts';

/** What the recorder needs. */
export interface RecorderOptions {
  readonly writer: HistoryWriter;
  /** The store in messages: `history store /var/lib/fleetmon/history.db`. */
  readonly name: string;
  /** Most memory the unwritten scans may hold; beyond it the oldest are dropped (and counted). */
  readonly maxBufferBytes: number;
  readonly clock: Clock;
  /** One line for the server log. */
  readonly log: (line: string) => void;
}

/** A scan waiting to be written. */
interface Waiting {
  readonly record: ScanRecord;
  readonly bytes: number;
  attempts: number;
}

/** Waits between attempts while the store is down: 1 s, doubling, at most 30 s. */
const RETRY_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000];
/** A scan the store rejects as data (not for being down) is retried this often, then dropped. */
const MAX_ATTEMPTS = 3;
/** An overflowing buffer is reported at most this often. */
const OVERFLOW_LOG_MS = 60_000;

/**
 * The write path, off the scan loop: `record` only queues a scan, and one writer loop stores
 * the queue in order. While the store is down (or its disk full) scans wait in a buffer of
 * bounded size and are written when it returns; what overflows the buffer is counted and
 * logged, never dropped silently. Never throws: failures become its status and log lines.
 */
export class HistoryRecorder {
  readonly #options: RecorderOptions;
  readonly #queue: Waiting[] = [];
  readonly #stop = new AbortController();
  #bytes = 0;
  /** True while the queue's head is being written: overflow never drops it. */
  #writing = false;
  #running: Promise<void> | undefined;
  #written = 0;
  #dropped = 0;
  #droppedSinceLog = 0;
  #lastOverflowLog = Number.NEGATIVE_INFINITY;
  #role: RecorderStatus['role'] = 'unknown';
  #up = true;
  /** Epoch ms, for the status; {@link #downAt} is the same moment on the monotonic clock. */
  #downSince: number | null = null;
  #downAt = 0;
  #lastError: RecorderStatus['lastError'] = null;
  #lastWriteMs: number | null = null;
  #retry = 0;

  constructor(options: RecorderOptions) {
    this.#options = options;
  }

  get status(): RecorderStatus {
    return {
      up: this.#up,
      role: this.#role,
      pending: this.#queue.length,
      pendingBytes: this.#bytes,
      written: this.#written,
      dropped: this.#dropped,
      lastError: this.#lastError,
      downSince: this.#downSince,
      lastWriteMs: this.#lastWriteMs,
    };
  }

  /** Queues a completed scan and returns at once; the writer loop stores it. */
  record(record: ScanRecord): void {
    if (this.#stop.signal.aborted) return;
    const bytes = recordBytes(record);
    this.#queue.push({ record, bytes, attempts: 0 });
    this.#bytes += bytes;
    this.#overflow();
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
  }

  /**
   * Stops: waits up to `graceMs` for the queue to be written, then reports what is left
   * unwritten. Resolves either way.
   */
  async close(graceMs: number): Promise<void> {
    const running = this.#running;
    if (running !== undefined && this.#up) {
      await settlesWithin(this.#options.clock, graceMs, running);
    }
    this.#stop.abort();
    await this.#running;
    if (this.#queue.length > 0) {
      this.#options.log(
        `history: ${this.#queue.length} scan${this.#queue.length === 1 ? '' : 's'} not written at shutdown (the store was ${this.#up ? 'slow' : 'down'})`,
      );
    }
  }

  async #drain(): Promise<void> {
    const { clock } = this.#options;
    while (this.#queue.length > 0 && !this.#stop.signal.aborted) {
      const head = this.#queue[0] as Waiting;
      const started = clock.now();
      this.#writing = true;
      try {
        const outcome = await this.#options.writer.writeScan(head.record);
        this.#writing = false;
        this.#lastWriteMs = clock.now() - started;
        this.#recovered();
        this.#shift(head);
        this.#written += outcome === 'written' ? 1 : 0;
        this.#setRole(outcome === 'standby' ? 'standby' : 'writer');
      } catch (err) {
        this.#writing = false;
        const failure = classifyStoreError(err, this.#options.name);
        if (failure.kind === 'internal' && ++head.attempts >= MAX_ATTEMPTS) {
          this.#shift(head);
          this.#dropped++;
          this.#lastError = { at: clock.wallNow(), message: failure.message };
          this.#options.log(
            `history: gave up on the scan of ${new Date(head.record.ts).toISOString()} after ${MAX_ATTEMPTS} attempts: ${failure.message}`,
          );
          continue;
        }
        this.#failed(failure);
        await sleepUnlessAborted(
          clock,
          RETRY_MS[Math.min(this.#retry++, RETRY_MS.length - 1)] ?? 30_000,
          this.#stop.signal,
        );
      }
    }
  }

  #shift(head: Waiting): void {
    if (this.#queue[0] === head) {
      this.#queue.shift();
      this.#bytes -= head.bytes;
    }
  }

  #failed(failure: StoreFailure): void {
    const { clock, log, maxBufferBytes } = this.#options;
    const first = this.#up;
    this.#up = false;
    if (first) {
      this.#downSince = clock.wallNow();
      this.#downAt = clock.now();
    }
    const changed = this.#lastError?.message !== failure.message;
    this.#lastError = { at: clock.wallNow(), message: failure.message };
    if (first || changed) {
      log(
        `${failure.message}; live data goes on, and up to ${formatBytes(maxBufferBytes)} of scans wait in memory (retrying)`,
      );
    }
  }

  #recovered(): void {
    this.#retry = 0;
    if (this.#up) return;
    this.#up = true;
    this.#downSince = null;
    this.#options.log(
      `history store back after ${formatDuration(this.#options.clock.now() - this.#downAt)}; writing ${this.#queue.length} waiting scan${this.#queue.length === 1 ? '' : 's'}`,
    );
  }

  #setRole(role: 'writer' | 'standby'): void {
    if (role === this.#role) return;
    if (role === 'standby') {
      this.#options.log(
        'history: another fleetmon writes to this store; this one reads it (and takes over if that one stops)',
      );
    } else if (this.#role === 'standby') {
      this.#options.log('history: this fleetmon now writes to the store');
    }
    this.#role = role;
  }

  /** Drops the oldest waiting scans while the buffer is over its bound (never the newest). */
  #overflow(): void {
    const { clock, log, maxBufferBytes } = this.#options;
    const keep = this.#writing ? 1 : 0;
    while (this.#bytes > maxBufferBytes && this.#queue.length > keep + 1) {
      const [oldest] = this.#queue.splice(keep, 1) as [Waiting];
      this.#bytes -= oldest.bytes;
      this.#dropped++;
      this.#droppedSinceLog++;
    }
    if (this.#droppedSinceLog > 0 && clock.now() - this.#lastOverflowLog >= OVERFLOW_LOG_MS) {
      log(
        `history: write buffer full (${formatBytes(maxBufferBytes)}): dropped the ${this.#droppedSinceLog} oldest waiting scan${this.#droppedSinceLog === 1 ? '' : 's'} (${this.#dropped} in all)`,
      );
      this.#lastOverflowLog = clock.now();
      this.#droppedSinceLog = 0;
    }
  }
}

function formatBytes(n: number): string {
  return n >= 1024 ** 2 ? `${Math.round(n / 1024 ** 2)} MiB` : `${Math.round(n / 1024)} KiB`;
}
