import { formatDuration } from '../core/duration.ts';
import { FleetmonError } from '../core/errors.ts';
import type { HistorySeries, HistoryTier, MemberSeries } from '../core/history-types.ts';
import { NO_VALUE, STATUS_CODE } from './codec.ts';
import { MAX_POINTS } from './plan.ts';

/**
 * Exact aggregates of instance samples: counts, and sums, minima and maxima in hundredths of a
 * percent. Merging two is exact, which is what makes rollups of rollups exact.
 */
export interface Agg {
  scans: number;
  samples: number;
  healthy: number;
  unreachable: number;
  cpuSum: number;
  cpuMin: number;
  cpuMax: number;
  memorySum: number;
  memoryMin: number;
  memoryMax: number;
}

/** Aggregates of nothing yet (minima at +∞, maxima at −∞). */
export function emptyAgg(): Agg {
  return {
    scans: 0,
    samples: 0,
    healthy: 0,
    unreachable: 0,
    cpuSum: 0,
    cpuMin: Number.POSITIVE_INFINITY,
    cpuMax: Number.NEGATIVE_INFINITY,
    memorySum: 0,
    memoryMin: Number.POSITIVE_INFINITY,
    memoryMax: Number.NEGATIVE_INFINITY,
  };
}

/** Adds `from` into `into`. */
export function mergeAgg(into: Agg, from: Readonly<Agg>): void {
  into.scans += from.scans;
  into.samples += from.samples;
  into.healthy += from.healthy;
  into.unreachable += from.unreachable;
  into.cpuSum += from.cpuSum;
  into.cpuMin = Math.min(into.cpuMin, from.cpuMin);
  into.cpuMax = Math.max(into.cpuMax, from.cpuMax);
  into.memorySum += from.memorySum;
  into.memoryMin = Math.min(into.memoryMin, from.memoryMin);
  into.memoryMax = Math.max(into.memoryMax, from.memoryMax);
}

/** Adds one sample (status code, hundredths or `NO_VALUE`) to `agg`; scans are counted apart. */
export function addSample(agg: Agg, status: number, cpu: number, memory: number): void {
  agg.samples++;
  if (status === STATUS_CODE.healthy) agg.healthy++;
  if (status === STATUS_CODE.unreachable || cpu === NO_VALUE || memory === NO_VALUE) {
    if (status === STATUS_CODE.unreachable) agg.unreachable++;
    return;
  }
  agg.cpuSum += cpu;
  if (cpu < agg.cpuMin) agg.cpuMin = cpu;
  if (cpu > agg.cpuMax) agg.cpuMax = cpu;
  agg.memorySum += memory;
  if (memory < agg.memoryMin) agg.memoryMin = memory;
  if (memory > agg.memoryMax) agg.memoryMax = memory;
}

/** Samples with values: those that were not unreachable. */
export function answered(agg: Readonly<Agg>): number {
  return agg.samples - agg.unreachable;
}

interface MemberSums {
  readonly cpu: Float64Array;
  readonly memory: Float64Array;
  readonly count: Uint32Array;
}

/**
 * Gathers aggregates into the points of a series: fixed buckets of `stepMs` from `from`
 * (aligned to multiples of the step), or, with `stepMs` null, one point per scan time given.
 */
export class SeriesBuilder {
  readonly from: number;
  readonly to: number;
  readonly stepMs: number | null;
  readonly #ts: number[] = [];
  readonly #aggs: Agg[] = [];
  readonly #index = new Map<number, number>();
  readonly #members = new Map<string, MemberSums>();

  constructor(from: number, to: number, stepMs: number | null, scanTimes: readonly number[] = []) {
    this.stepMs = stepMs;
    this.to = to;
    const points = stepMs === null ? scanTimes.length : Math.ceil((to - from) / stepMs);
    if (points > MAX_POINTS) {
      throw new FleetmonError(
        'usage',
        `${points} ${stepMs === null ? 'scans' : 'points'} between those times; at most ${MAX_POINTS} are answered`,
        stepMs === null
          ? 'give a step, such as 1m'
          : `use a step larger than ${formatDuration(stepMs)}`,
      );
    }
    if (stepMs === null) {
      this.from = from;
      for (const ts of scanTimes) this.#point(ts);
    } else {
      this.from = Math.floor(from / stepMs) * stepMs;
      for (let ts = this.from; ts < to; ts += stepMs) this.#point(ts);
    }
  }

  /** Points in the series. */
  get length(): number {
    return this.#ts.length;
  }

  /** Start of the point that holds time `ts`, or `undefined` when none does. */
  pointOf(ts: number): number | undefined {
    const key = this.stepMs === null ? ts : Math.floor(ts / this.stepMs) * this.stepMs;
    return this.#index.get(key);
  }

  /** Merges `agg`, taken at `ts`, into its point; ignored outside the series. */
  add(ts: number, agg: Readonly<Agg>): void {
    const point = this.pointOf(ts);
    if (point !== undefined) mergeAgg(this.#aggs[point] as Agg, agg);
  }

  /** Adds one instance's values (sums of hundredths over `count` samples) at `ts` to its line. */
  addMember(ip: string, ts: number, cpuSum: number, memorySum: number, count: number): void {
    const point = this.pointOf(ts);
    if (point === undefined || count === 0) return;
    let sums = this.#members.get(ip);
    if (sums === undefined) {
      const n = this.#ts.length;
      sums = { cpu: new Float64Array(n), memory: new Float64Array(n), count: new Uint32Array(n) };
      this.#members.set(ip, sums);
    }
    sums.cpu[point] = (sums.cpu[point] ?? 0) + cpuSum;
    sums.memory[point] = (sums.memory[point] ?? 0) + memorySum;
    sums.count[point] = (sums.count[point] ?? 0) + count;
  }

  /** The finished series, means and extremes as percentages rounded to two decimals. */
  build(
    target: { service: string | null; ip?: string },
    tier: HistoryTier,
    withMembers: boolean,
  ): HistorySeries {
    const aggs = this.#aggs;
    const mean = (sum: (a: Agg) => number) =>
      aggs.map((a) => (answered(a) === 0 ? null : round2(sum(a) / answered(a) / 100)));
    const extreme = (pick: (a: Agg) => number) =>
      aggs.map((a) => (answered(a) === 0 ? null : pick(a) / 100));
    const series: HistorySeries = {
      service: target.service,
      ...(target.ip === undefined ? {} : { ip: target.ip }),
      from: this.from,
      to: this.to,
      stepMs: this.stepMs,
      tier,
      ts: [...this.#ts],
      scans: aggs.map((a) => a.scans),
      samples: aggs.map((a) => a.samples),
      healthy: aggs.map((a) => a.healthy),
      unreachable: aggs.map((a) => a.unreachable),
      cpu: mean((a) => a.cpuSum),
      cpuMin: extreme((a) => a.cpuMin),
      cpuMax: extreme((a) => a.cpuMax),
      memory: mean((a) => a.memorySum),
      memoryMin: extreme((a) => a.memoryMin),
      memoryMax: extreme((a) => a.memoryMax),
    };
    if (!withMembers) return series;
    const members: MemberSeries[] = [];
    for (const [ip, sums] of this.#members) {
      const line = (values: Float64Array) =>
        Array.from(values, (v, i) => {
          const n = sums.count[i] ?? 0;
          return n === 0 ? null : round2(v / n / 100);
        });
      members.push({ ip, cpu: line(sums.cpu), memory: line(sums.memory) });
    }
    return { ...series, members };
  }

  #point(ts: number): void {
    if (this.#index.has(ts)) return;
    this.#index.set(ts, this.#ts.length);
    this.#ts.push(ts);
    this.#aggs.push(emptyAgg());
  }
}

/** Two decimals is all a chart or a table shows. */
export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
