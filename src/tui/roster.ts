import { History, type Series } from './history.ts';

/** How long an entry counts as new after it first appears, at the least. */
export const NEW_FOR_MS = 30_000;
/** How long an entry that left the listing stays visible as `gone`, at the least. */
export const GONE_FOR_MS = 60_000;
/** Both also last at least this many ticks, so a slow interval still shows them once or twice. */
const MIN_TICKS = 3;

/** One tracked thing (an instance or a service) with its latest value and its history. */
export interface Entry<T> {
  readonly key: string;
  value: T;
  readonly firstSeenAt: number;
  /** When it was last missing from a tick that should have listed it; null while present. */
  goneSince: number | null;
  readonly series: Series;
}

/**
 * The entries of one view (instances of a service, or services of the fleet) across ticks:
 * who is new, who is gone, and every entry's history. Gone entries are evicted after a
 * while, so memory stays flat however much the fleet churns.
 */
export class Roster<T> {
  readonly history: History;
  readonly #entries = new Map<string, Entry<T>>();
  #firstTickAt: number | null = null;
  #lastTickAt: number | null = null;

  constructor(capacity: number) {
    this.history = new History(capacity);
  }

  /** Entries in insertion order, gone ones included. */
  entries(): IterableIterator<Entry<T>> {
    return this.#entries.values();
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Epoch ms of the latest tick, null before the first. */
  get lastTickAt(): number | null {
    return this.#lastTickAt;
  }

  /**
   * Applies one tick: `items` are everything present now, each with its cpu and memory.
   * Entries absent from `items` are marked gone, and forgotten once gone long enough.
   */
  apply(
    at: number,
    intervalMs: number,
    items: Iterable<{ key: string; value: T; cpu: number | null; memory: number | null }>,
  ): void {
    this.#firstTickAt ??= at;
    this.#lastTickAt = at;
    this.history.beginTick();
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(item.key);
      const series = this.history.record(item.key, item.cpu, item.memory);
      const entry = this.#entries.get(item.key);
      if (entry === undefined) {
        this.#entries.set(item.key, {
          key: item.key,
          value: item.value,
          firstSeenAt: at,
          goneSince: null,
          series,
        });
      } else {
        entry.value = item.value;
        entry.goneSince = null;
      }
    }
    const keepGone = Math.max(GONE_FOR_MS, MIN_TICKS * intervalMs);
    for (const entry of this.#entries.values()) {
      if (seen.has(entry.key)) continue;
      entry.goneSince ??= at;
      if (at - entry.goneSince >= keepGone) {
        this.#entries.delete(entry.key);
        this.history.delete(entry.key);
      }
    }
  }

  /** True while an entry that appeared after the first tick is still recent. */
  isNew(entry: Entry<T>, intervalMs: number): boolean {
    if (this.#firstTickAt === null || this.#lastTickAt === null) return false;
    if (entry.firstSeenAt <= this.#firstTickAt) return false;
    return this.#lastTickAt - entry.firstSeenAt < Math.max(NEW_FOR_MS, MIN_TICKS * intervalMs);
  }

  /** Forgets everything (a different service was chosen). */
  clear(): void {
    this.#entries.clear();
    this.history.clear();
    this.#firstTickAt = null;
    this.#lastTickAt = null;
  }
}
