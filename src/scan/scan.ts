import { formatDuration } from '../core/duration.ts';
import { FleetmonError } from '../core/errors.ts';
import type { Reading, Snapshot } from '../core/types.ts';
import type { ProviderClient } from '../provider/client.ts';
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
  /** Clock for `startedAt`, `durationMs` and progress throttling; default `Date.now`. */
  now?: () => number;
}

/** Lists the fleet, then reads every listed instance. */
export async function scanFleet(client: ProviderClient, options: ScanOptions): Promise<Snapshot> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const started = performance.now();
  const ips = await listWithinDeadline(client, options);
  const spent = performance.now() - started;
  const remaining = options.deadlineMs === undefined ? undefined : options.deadlineMs - spent;
  return fanOut(client, ips, options, startedAt, remaining);
}

/** Reads every ip with bounded concurrency: one reading per ip, in input order, none dropped. */
export function scanInstances(
  client: ProviderClient,
  ips: readonly string[],
  options: ScanOptions,
): Promise<Snapshot> {
  const now = options.now ?? Date.now;
  return fanOut(client, ips, options, now(), options.deadlineMs);
}

async function listWithinDeadline(client: ProviderClient, options: ScanOptions): Promise<string[]> {
  const { signal, deadlineMs } = options;
  if (deadlineMs === undefined) return client.listServers(signal);
  const deadline = AbortSignal.timeout(Math.max(0, deadlineMs));
  try {
    return await client.listServers(
      signal === undefined ? deadline : AbortSignal.any([signal, deadline]),
    );
  } catch (err) {
    if (signal?.aborted || !deadline.aborted) throw err;
    throw new FleetmonError(
      'provider-unreachable',
      `cannot list ${client.url}/servers within the scan deadline (${formatDuration(deadlineMs)})`,
      'raise --deadline or --timeout, or check the provider',
    );
  }
}

/**
 * A pool of workers pulls the next index, so memory in flight stays proportional to
 * `concurrency` even for 100k ips: as many as it, and the client's spare readers once it has
 * any (they wait in its gate; see `ProviderClient.spareReaders`). `remainingMs` is what is left
 * of the deadline.
 */
async function fanOut(
  client: ProviderClient,
  ips: readonly string[],
  options: ScanOptions,
  startedAt: number,
  remainingMs: number | undefined,
): Promise<Snapshot> {
  const { signal } = options;
  if (signal?.aborted) throw signal.reason;
  const now = options.now ?? Date.now;
  const total = ips.length;
  const width = Math.min(workerCount(options.concurrency), total);
  const expiredText = `scan deadline exceeded (${formatDuration(options.deadlineMs ?? 0)})`;
  const controller = new AbortController();
  let expired = false;
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    remainingMs === undefined
      ? undefined
      : setTimeout(
          () => {
            expired = true;
            controller.abort(new Error(expiredText));
          },
          Math.max(0, remainingMs),
        );
  const readings: Array<Reading | undefined> = new Array(total);
  const progress = createProgress(total, startedAt, now, options.onProgress);
  let next = 0;
  const workers: Array<Promise<void>> = [];

  const worker = async (): Promise<void> => {
    while (!controller.signal.aborted && next < total) {
      const index = next++;
      const ip = ips[index] as string;
      // The last round: no reading starts after these.
      const last = index >= total - workers.length;
      const reading = await readOne(
        client,
        ip,
        last,
        controller.signal,
        () => expired,
        expiredText,
      );
      if (reading === null) return;
      readings[index] = reading;
      progress.record(reading.ok);
      widen();
    }
  };
  const widen = (): void => {
    const wanted = Math.min(width + (client.spareReaders ?? 0), total);
    while (workers.length < wanted) workers.push(worker());
  };
  // Every worker, those that join later included: each joins before the one that adds it ends.
  const all = async (): Promise<void> => {
    for (let i = 0; i < workers.length; i++) await workers[i];
  };

  try {
    widen();
    // Stop waiting the moment we are aborted, even if a client is slow to honour the signal.
    await Promise.race([all(), whenAborted(controller.signal)]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) throw signal.reason;
  // A fresh array: a worker finishing late must not change a snapshot already handed out.
  const complete = Array.from(readings, (reading, index): Reading => {
    if (reading !== undefined) return reading;
    progress.record(false);
    return { ip: ips[index] as string, ok: false, service: null, error: expiredText, attempts: 0 };
  });
  progress.finish();
  return { startedAt, durationMs: now() - startedAt, readings: complete };
}

/**
 * One reading; null when the scan was cancelled (the caller rejects), never a thrown error.
 * A plain `.catch` rather than an async function: one promise fewer per instance.
 */
function readOne(
  client: ProviderClient,
  ip: string,
  lastRound: boolean,
  signal: AbortSignal,
  expired: () => boolean,
  expiredText: string,
): Promise<Reading | null> {
  return client.readInstance(ip, signal, lastRound).catch((err: unknown): Reading | null => {
    if (!signal.aborted) {
      // readInstance reports failures as readings; a throw is a bug, but must not lose the ip.
      const message = err instanceof Error ? err.message : String(err);
      return { ip, ok: false, service: null, error: `internal error: ${message}`, attempts: 0 };
    }
    if (!expired()) return null;
    return { ip, ok: false, service: null, error: expiredText, attempts: 0 };
  });
}

function workerCount(concurrency: number): number {
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
