import type { Reading } from '../core/types.ts';

/** How {@link readEach} reads a list of instances. */
export interface ReadEachOptions {
  /** Readers wanted now; asked again after each reading, so that more may join. */
  readonly readers: () => number;
  readonly signal: AbortSignal | undefined;
  /**
   * Reads one instance; `lastRound`: no reading starts after the ones under way. Failures come
   * back as readings; it rejects only when `signal` aborts.
   */
  readonly read: (
    ip: string,
    signal: AbortSignal | undefined,
    lastRound: boolean,
  ) => Promise<Reading>;
  /** Gets each reading as it ends, with the index of its ip. */
  readonly onReading: (index: number, reading: Reading) => void;
}

/**
 * Reads every ip with readers that each pull the next index, so memory stays proportional to
 * the readers even for 100k ips. Resolves once every reader has stopped: all read, or
 * `signal` aborted (the ips not read yet then get no reading).
 */
export async function readEach(ips: readonly string[], options: ReadEachOptions): Promise<void> {
  const { signal } = options;
  const total = ips.length;
  let next = 0;
  const readers: Array<Promise<void>> = [];

  const reader = async (): Promise<void> => {
    while (signal?.aborted !== true && next < total) {
      const index = next++;
      const ip = ips[index] as string;
      const reading = await readOne(options, ip, index >= total - readers.length);
      if (reading === null) return;
      options.onReading(index, reading);
      widen();
    }
  };
  const widen = (): void => {
    const wanted = Math.min(options.readers(), total);
    while (readers.length < wanted) readers.push(reader());
  };

  widen();
  // Every reader, those that join later included: each joins before the one that adds it ends.
  for (let i = 0; i < readers.length; i++) await readers[i];
}

/**
 * One reading; null when the read was aborted, never a thrown error. A plain `.catch` rather
 * than an async function: one promise fewer per instance.
 */
function readOne(
  options: ReadEachOptions,
  ip: string,
  lastRound: boolean,
): Promise<Reading | null> {
  const { signal } = options;
  return options.read(ip, signal, lastRound).catch((err: unknown): Reading | null => {
    if (signal?.aborted === true) return null;
    // A read reports failures as readings; a throw is a bug, but must not lose the ip.
    const message = err instanceof Error ? err.message : String(err);
    return { ip, ok: false, service: null, error: `internal error: ${message}`, attempts: 0 };
  });
}
