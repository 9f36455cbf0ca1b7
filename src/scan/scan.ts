import { formatDuration } from '../core/duration.ts';
import { FleetmonError } from '../core/errors.ts';
import type { Reading, Snapshot } from '../core/types.ts';
import type { ProviderClient } from '../provider/client.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import { createProgress } from './progress.ts';

/** How far a scan has got; `failed` counts readings that are not ok. */
export interface ScanProgress {
  readonly done: number;
  readonly total: number;
  readonly failed: number;
}

/** How one scan runs: how wide, how long, and who may stop it. */
export interface ScanOptions {
  /** Instances read at once. */
  concurrency: number;
  /** Whole-scan deadline; unfinished instances then read `scan deadline exceeded (…)`. */
  deadlineMs?: number;
  /** Caller cancellation (Ctrl-C): requests in flight are aborted and the scan rejects with the reason. */
  signal?: AbortSignal;
  /** Called at most every 100 ms while the scan runs, and once at the end. */
  onProgress?: (p: ScanProgress) => void;
  /** Time for `startedAt`, `durationMs`, progress and the deadline; default the system clock. */
  clock?: Clock;
}

/** Lists the fleet, then reads every listed instance. */
export async function scanFleet(client: ProviderClient, options: ScanOptions): Promise<Snapshot> {
  const clock = options.clock ?? systemClock;
  const started = { wall: clock.wallNow(), at: clock.now() };
  const ips = await listWithinDeadline(client, options, clock);
  const spent = clock.now() - started.at;
  const remaining = options.deadlineMs === undefined ? undefined : options.deadlineMs - spent;
  return readAll(client, ips, options, started, remaining);
}

/** Reads every ip with bounded concurrency: one reading per ip, in input order, none dropped. */
export function scanInstances(
  client: ProviderClient,
  ips: readonly string[],
  options: ScanOptions,
): Promise<Snapshot> {
  const clock = options.clock ?? systemClock;
  const started = { wall: clock.wallNow(), at: clock.now() };
  return readAll(client, ips, options, started, options.deadlineMs);
}

async function listWithinDeadline(
  client: ProviderClient,
  options: ScanOptions,
  clock: Clock,
): Promise<string[]> {
  const { signal, deadlineMs } = options;
  if (deadlineMs === undefined) return client.listServers(signal);
  const deadline = new AbortController();
  const timer = clock.setTimeout(() => deadline.abort(new Error('scan deadline')), deadlineMs);
  try {
    return await client.listServers(
      signal === undefined ? deadline.signal : AbortSignal.any([signal, deadline.signal]),
    );
  } catch (err) {
    if (signal?.aborted || !deadline.signal.aborted) throw err;
    throw new FleetmonError(
      'provider-unreachable',
      `cannot list ${client.url}/servers within the scan deadline (${formatDuration(deadlineMs)})`,
      'raise --deadline or --timeout, or check the provider',
    );
  } finally {
    clock.clearTimeout(timer);
  }
}

/**
 * Reads every ip through the client, in input order, none dropped: an ip the deadline stopped
 * reads `scan deadline exceeded`. `remainingMs` is what is left of the deadline.
 */
async function readAll(
  client: ProviderClient,
  ips: readonly string[],
  options: ScanOptions,
  started: { readonly wall: number; readonly at: number },
  remainingMs: number | undefined,
): Promise<Snapshot> {
  const { signal } = options;
  if (signal?.aborted) throw signal.reason;
  const clock = options.clock ?? systemClock;
  const concurrency = readerCount(options.concurrency);
  const total = ips.length;
  const expiredText = `scan deadline exceeded (${formatDuration(options.deadlineMs ?? 0)})`;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    remainingMs === undefined
      ? undefined
      : clock.setTimeout(() => controller.abort(new Error(expiredText)), Math.max(0, remainingMs));
  const readings: Array<Reading | undefined> = new Array(total);
  const progress = createProgress(total, started.at, () => clock.now(), options.onProgress);
  const read = client.readInstances(ips, {
    concurrency,
    signal: controller.signal,
    onReading: (index, reading) => {
      readings[index] = reading;
      progress.record(reading.ok);
    },
  });
  try {
    // Stop waiting the moment we are aborted, even if a client is slow to honour the signal.
    await Promise.race([read, whenAborted(controller.signal)]);
  } finally {
    clock.clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) throw signal.reason;
  // A fresh array: a reading that ends late must not change a snapshot already handed out.
  const complete = Array.from(readings, (reading, index): Reading => {
    if (reading !== undefined) return reading;
    progress.record(false);
    return { ip: ips[index] as string, ok: false, service: null, error: expiredText, attempts: 0 };
  });
  progress.finish();
  return { startedAt: started.wall, durationMs: clock.now() - started.at, readings: complete };
}

function readerCount(concurrency: number): number {
  if (!Number.isFinite(concurrency) || concurrency < 1) {
    throw new FleetmonError(
      'usage',
      `concurrency must be a whole number of at least 1, not ${concurrency}`,
    );
  }
  return Math.floor(concurrency);
}

function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
