/** Stored in place of a percentage when a tick has no sample (unreachable, gone, not yet seen). */
export const NO_SAMPLE = 255;

/** Smallest and largest ring a series may have; the cap bounds memory whatever --history says. */
export const MIN_CAPACITY = 2;
export const MAX_CAPACITY = 36_000;

/** Running statistics of one metric over the whole session: constant memory however long it runs. */
export interface SessionStats {
  min: number;
  max: number;
  sum: number;
  count: number;
}

/** The samples of one key (an instance or a service): two rings of whole percents, 2 bytes a tick. */
export interface Series {
  readonly key: string;
  cpu: Uint8Array;
  memory: Uint8Array;
  /** Index of the first tick this series existed in; older slots hold no sample. */
  readonly firstTick: number;
  readonly cpuStats: SessionStats;
  readonly memoryStats: SessionStats;
}

/** Which metric of a series to read. */
export type Metric = 'cpu' | 'memory';

/**
 * Fixed-size history of many series that advance together, tick by tick. Every series
 * gets a slot per tick (NO_SAMPLE when it was not read), so a ring never holds samples
 * from a previous lap, and memory is `series × capacity × 2` bytes, flat over time.
 */
export class History {
  #capacity: number;
  #ticks = 0;
  readonly #series = new Map<string, Series>();

  constructor(capacity: number) {
    this.#capacity = clampCapacity(capacity);
  }

  /** Samples kept per series. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Ticks recorded so far (including those that fell out of the ring). */
  get ticks(): number {
    return this.#ticks;
  }

  /** Number of series held. */
  get size(): number {
    return this.#series.size;
  }

  /** The series of `key`, if held. */
  get(key: string): Series | undefined {
    return this.#series.get(key);
  }

  /** Opens a new tick: every series gets NO_SAMPLE in it until `record` says otherwise. */
  beginTick(): void {
    const slot = this.#ticks % this.#capacity;
    for (const s of this.#series.values()) {
      s.cpu[slot] = NO_SAMPLE;
      s.memory[slot] = NO_SAMPLE;
    }
    this.#ticks++;
  }

  /**
   * Records the current tick's values of `key` (null when unknown), creating its series.
   * `session` false keeps them out of the session's min/avg/max (history from before it began).
   */
  record(key: string, cpu: number | null, memory: number | null, session = true): Series {
    if (this.#ticks === 0) this.beginTick();
    let s = this.#series.get(key);
    if (s === undefined) {
      s = {
        key,
        cpu: new Uint8Array(this.#capacity).fill(NO_SAMPLE),
        memory: new Uint8Array(this.#capacity).fill(NO_SAMPLE),
        firstTick: this.#ticks - 1,
        cpuStats: emptyStats(),
        memoryStats: emptyStats(),
      };
      this.#series.set(key, s);
    }
    const slot = (this.#ticks - 1) % this.#capacity;
    s.cpu[slot] = toSample(cpu);
    s.memory[slot] = toSample(memory);
    if (session) {
      addTo(s.cpuStats, cpu);
      addTo(s.memoryStats, memory);
    }
    return s;
  }

  /** Forgets a series (an instance gone long enough); its memory is released. */
  delete(key: string): void {
    this.#series.delete(key);
  }

  /** Forgets every series and tick. */
  clear(): void {
    this.#series.clear();
    this.#ticks = 0;
  }

  /**
   * The last `count` ticks of one metric, oldest first, NaN where there was no sample;
   * shorter than `count` while fewer ticks have been recorded.
   */
  recent(series: Series, metric: Metric, count: number): number[] {
    const ring = series[metric];
    const n = Math.max(0, Math.min(count, this.#ticks, this.#capacity));
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const tick = this.#ticks - n + i;
      const value =
        tick < series.firstTick ? NO_SAMPLE : (ring[tick % this.#capacity] ?? NO_SAMPLE);
      out[i] = value === NO_SAMPLE ? Number.NaN : value;
    }
    return out;
  }

  /** Changes the ring size, keeping the newest samples that still fit. */
  resize(capacity: number): void {
    const next = clampCapacity(capacity);
    if (next === this.#capacity) return;
    const keep = Math.min(this.#ticks, this.#capacity, next);
    const move = (ring: Uint8Array): Uint8Array => {
      const out = new Uint8Array(next).fill(NO_SAMPLE);
      for (let tick = this.#ticks - keep; tick < this.#ticks; tick++) {
        out[tick % next] = ring[tick % this.#capacity] ?? NO_SAMPLE;
      }
      return out;
    };
    for (const s of this.#series.values()) {
      s.cpu = move(s.cpu);
      s.memory = move(s.memory);
    }
    this.#capacity = next;
  }
}

/** Ring size for keeping `historyMs` of ticks every `intervalMs`, within the allowed bounds. */
export function capacityFor(historyMs: number, intervalMs: number): number {
  return clampCapacity(Math.ceil(historyMs / Math.max(1, intervalMs)));
}

/** Mean of a session statistic, or null before the first sample. */
export function meanOf(stats: SessionStats): number | null {
  return stats.count === 0 ? null : stats.sum / stats.count;
}

function clampCapacity(capacity: number): number {
  if (!Number.isFinite(capacity)) return MAX_CAPACITY;
  return Math.min(MAX_CAPACITY, Math.max(MIN_CAPACITY, Math.ceil(capacity)));
}

function emptyStats(): SessionStats {
  return { min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY, sum: 0, count: 0 };
}

function addTo(stats: SessionStats, value: number | null): void {
  if (value === null || !Number.isFinite(value)) return;
  stats.min = Math.min(stats.min, value);
  stats.max = Math.max(stats.max, value);
  stats.sum += value;
  stats.count++;
}

/** A percentage as a whole number 0–100; anything else is no sample. */
function toSample(value: number | null): number {
  if (value === null || !Number.isFinite(value)) return NO_SAMPLE;
  return Math.min(100, Math.max(0, Math.round(value)));
}
