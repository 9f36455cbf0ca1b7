import type { InstanceRow, InstanceStatus } from '../core/types.ts';
import type { HistoryStore, InstanceHistory, ServiceHistory } from './history.ts';

/** Sizing of the in-memory history. */
export interface MemoryHistoryOptions {
  /** Retained window in ms. */
  readonly windowMs: number;
  /** Scans kept at most; older ones are overwritten. Size it as window / interval, plus one. */
  readonly capacity: number;
}

/** Most scans one ring holds: instances × capacity × 9 bytes must stay modest (10k × 2880 ≈ 260 MB). */
export const MAX_HISTORY_SCANS = 2880;

// Status codes in the per-instance Uint8Array; 0 means "not listed in that scan".
const ABSENT = 0;
const STATUS_CODES: readonly (InstanceStatus | null)[] = [
  null,
  'healthy',
  'unhealthy',
  'unreachable',
];
const CODE_OF: Record<InstanceStatus, number> = { healthy: 1, unhealthy: 2, unreachable: 3 };

interface ServiceSeries {
  readonly cpu: Float32Array;
  readonly memory: Float32Array;
  readonly instances: Uint32Array;
  readonly healthy: Uint32Array;
  lastSeq: number;
}

interface InstanceSeries {
  service: string | null;
  readonly cpu: Float32Array;
  readonly memory: Float32Array;
  readonly status: Uint8Array;
  lastSeq: number;
}

/**
 * A bounded ring of the last `capacity` scans. Values sit in typed arrays indexed by
 * scan slot (about 9 bytes per instance per scan, no objects per point); an instance or
 * service that has not been seen for a whole ring is dropped.
 */
export class MemoryHistory implements HistoryStore {
  readonly windowMs: number;
  readonly #capacity: number;
  readonly #ts: Float64Array;
  readonly #services = new Map<string, ServiceSeries>();
  readonly #instances = new Map<string, InstanceSeries>();
  #seq = 0;

  constructor(options: MemoryHistoryOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${options.capacity}`);
    }
    if (options.capacity > MAX_HISTORY_SCANS) {
      throw new RangeError(
        `capacity must be at most ${MAX_HISTORY_SCANS}, got ${options.capacity}`,
      );
    }
    this.windowMs = options.windowMs;
    this.#capacity = options.capacity;
    this.#ts = new Float64Array(options.capacity);
  }

  append(rows: readonly InstanceRow[], ts: number): void {
    const seq = this.#seq;
    const slot = seq % this.#capacity;
    this.#ts[slot] = ts;
    for (const series of this.#instances.values()) series.status[slot] = ABSENT;
    for (const series of this.#services.values()) {
      series.instances[slot] = 0;
      series.healthy[slot] = 0;
    }
    const sums = new Map<string, { cpu: number; memory: number; answered: number }>();
    for (const row of rows) {
      const instance = this.#instanceSeries(row.ip);
      instance.service = row.service;
      instance.lastSeq = seq;
      instance.status[slot] = CODE_OF[row.status];
      instance.cpu[slot] = row.cpu ?? Number.NaN;
      instance.memory[slot] = row.memory ?? Number.NaN;
      if (row.service === null) continue;
      const service = this.#serviceSeries(row.service);
      service.lastSeq = seq;
      service.instances[slot] = (service.instances[slot] ?? 0) + 1;
      if (row.status === 'healthy') service.healthy[slot] = (service.healthy[slot] ?? 0) + 1;
      let sum = sums.get(row.service);
      if (sum === undefined) {
        sum = { cpu: 0, memory: 0, answered: 0 };
        sums.set(row.service, sum);
      }
      if (row.cpu !== null && row.memory !== null) {
        sum.cpu += row.cpu;
        sum.memory += row.memory;
        sum.answered++;
      }
    }
    for (const [name, series] of this.#services) {
      const sum = sums.get(name);
      const answered = sum?.answered ?? 0;
      series.cpu[slot] = answered === 0 ? Number.NaN : (sum?.cpu ?? 0) / answered;
      series.memory[slot] = answered === 0 ? Number.NaN : (sum?.memory ?? 0) / answered;
    }
    this.#seq = seq + 1;
    this.#evict();
  }

  query(service: string, sinceMs: number): ServiceHistory | undefined {
    const series = this.#services.get(service);
    if (series === undefined) return undefined;
    const slots = this.#slotsAfter(sinceMs);
    const history: ServiceHistory = {
      service,
      ts: slots.map((slot) => this.#ts[slot] ?? 0),
      cpu: slots.map((slot) => value(series.cpu[slot], series.instances[slot])),
      memory: slots.map((slot) => value(series.memory[slot], series.instances[slot])),
      instances: slots.map((slot) => series.instances[slot] ?? 0),
      healthy: slots.map((slot) => series.healthy[slot] ?? 0),
      members: [],
    };
    for (const [ip, instance] of this.#instances) {
      if (instance.service !== service) continue;
      if (!slots.some((slot) => instance.status[slot] !== ABSENT)) continue;
      history.members.push(memberHistory(ip, instance, slots));
    }
    return history;
  }

  services(): string[] {
    return [...this.#services.keys()].sort();
  }

  /** Ring slots of the retained scans after `sinceMs`, oldest first. */
  #slotsAfter(sinceMs: number): number[] {
    const first = Math.max(0, this.#seq - this.#capacity);
    const latest = this.#seq === 0 ? 0 : (this.#ts[(this.#seq - 1) % this.#capacity] ?? 0);
    const from = Math.max(sinceMs, latest - this.windowMs - 1);
    const slots: number[] = [];
    for (let seq = first; seq < this.#seq; seq++) {
      const slot = seq % this.#capacity;
      if ((this.#ts[slot] ?? 0) > from) slots.push(slot);
    }
    return slots;
  }

  #instanceSeries(ip: string): InstanceSeries {
    let series = this.#instances.get(ip);
    if (series === undefined) {
      const n = this.#capacity;
      series = {
        service: null,
        cpu: new Float32Array(n),
        memory: new Float32Array(n),
        status: new Uint8Array(n),
        lastSeq: this.#seq,
      };
      this.#instances.set(ip, series);
    }
    return series;
  }

  #serviceSeries(name: string): ServiceSeries {
    let series = this.#services.get(name);
    if (series === undefined) {
      const n = this.#capacity;
      series = {
        cpu: new Float32Array(n).fill(Number.NaN),
        memory: new Float32Array(n).fill(Number.NaN),
        instances: new Uint32Array(n),
        healthy: new Uint32Array(n),
        lastSeq: this.#seq,
      };
      this.#services.set(name, series);
    }
    return series;
  }

  /** Drops what no retained scan mentions any more. */
  #evict(): void {
    const oldest = this.#seq - this.#capacity;
    for (const [ip, series] of this.#instances)
      if (series.lastSeq < oldest) this.#instances.delete(ip);
    for (const [name, series] of this.#services)
      if (series.lastSeq < oldest) this.#services.delete(name);
  }
}

function value(stored: number | undefined, present: number | undefined): number | null {
  if (present === 0 || stored === undefined || Number.isNaN(stored)) return null;
  return round2(stored);
}

function memberHistory(
  ip: string,
  series: InstanceSeries,
  slots: readonly number[],
): InstanceHistory {
  const cpu: (number | null)[] = [];
  const memory: (number | null)[] = [];
  const status: (InstanceStatus | null)[] = [];
  for (const slot of slots) {
    const code = series.status[slot] ?? ABSENT;
    status.push(STATUS_CODES[code] ?? null);
    const answered = code === CODE_OF.healthy || code === CODE_OF.unhealthy;
    cpu.push(answered ? round2(series.cpu[slot] ?? 0) : null);
    memory.push(answered ? round2(series.memory[slot] ?? 0) : null);
  }
  return { ip, cpu, memory, status };
}

// Float32 turns 61.3 into 61.29999923706055; two decimals is all a chart shows.
function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
