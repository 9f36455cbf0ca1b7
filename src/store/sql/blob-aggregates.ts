import type { Agg } from '../aggregate.ts';
import { pickBusiest } from '../busiest.ts';
import { decodeRollups, decodeSamples, indexOfId, NO_VALUE, STATUS_CODE } from '../codec.ts';

// One instance's values out of the packed blobs, and the busiest instances of a blob.

/** One instance's sample in a raw blob, as an aggregate of one scan. */
export function sampleAgg(data: Uint8Array, id: number): Agg | undefined {
  const columns = decodeSamples(data);
  const k = indexOfId(columns.ids, id);
  if (k < 0) return undefined;
  const status = columns.status[k] ?? 0;
  const cpu = columns.cpu[k] ?? NO_VALUE;
  const memory = columns.memory[k] ?? NO_VALUE;
  const answered = status !== STATUS_CODE.unreachable && cpu !== NO_VALUE && memory !== NO_VALUE;
  return {
    scans: 1,
    samples: 1,
    healthy: status === STATUS_CODE.healthy ? 1 : 0,
    unreachable: status === STATUS_CODE.unreachable ? 1 : 0,
    cpuSum: answered ? cpu : 0,
    cpuMin: answered ? cpu : Number.POSITIVE_INFINITY,
    cpuMax: answered ? cpu : Number.NEGATIVE_INFINITY,
    memorySum: answered ? memory : 0,
    memoryMin: answered ? memory : Number.POSITIVE_INFINITY,
    memoryMax: answered ? memory : Number.NEGATIVE_INFINITY,
  };
}

/** One instance's rollup in a packed bucket. */
export function rollupAgg(data: Uint8Array, id: number): Agg | undefined {
  const c = decodeRollups(data);
  const k = indexOfId(c.ids, id);
  if (k < 0) return undefined;
  const none = (v: number | undefined, fallback: number) =>
    v === undefined || v === NO_VALUE ? fallback : v;
  const samples = c.samples[k] ?? 0;
  return {
    scans: samples,
    samples,
    healthy: c.healthy[k] ?? 0,
    unreachable: c.unreachable[k] ?? 0,
    cpuSum: c.cpuSum[k] ?? 0,
    cpuMin: none(c.cpuMin[k], Number.POSITIVE_INFINITY),
    cpuMax: none(c.cpuMax[k], Number.NEGATIVE_INFINITY),
    memorySum: c.memorySum[k] ?? 0,
    memoryMin: none(c.memoryMin[k], Number.POSITIVE_INFINITY),
    memoryMax: none(c.memoryMax[k], Number.NEGATIVE_INFINITY),
  };
}

/** The busiest instances of one scan's packed samples (see pickBusiest). */
export function busiestOfSamples(data: Uint8Array, limit: number): number[] {
  const c = decodeSamples(data);
  const ids: number[] = [];
  const cpu: number[] = [];
  const memory: number[] = [];
  for (let k = 0; k < c.ids.length; k++) {
    if (c.status[k] === STATUS_CODE.unreachable || c.cpu[k] === NO_VALUE) continue;
    ids.push(c.ids[k] ?? 0);
    cpu.push(c.cpu[k] ?? 0);
    memory.push(c.memory[k] ?? 0);
  }
  return pickBusiest(ids, cpu, memory, limit);
}

/** The busiest instances of one bucket's packed rollups, by their means. */
export function busiestOfRollups(data: Uint8Array, limit: number): number[] {
  const c = decodeRollups(data);
  const ids: number[] = [];
  const cpu: number[] = [];
  const memory: number[] = [];
  for (let k = 0; k < c.ids.length; k++) {
    const n = (c.samples[k] ?? 0) - (c.unreachable[k] ?? 0);
    if (n <= 0) continue;
    ids.push(c.ids[k] ?? 0);
    cpu.push((c.cpuSum[k] ?? 0) / n);
    memory.push((c.memorySum[k] ?? 0) / n);
  }
  return pickBusiest(ids, cpu, memory, limit);
}
