import { NO_VALUE, type RollupColumns, type SampleColumns, STATUS_CODE } from './codec.ts';

interface Acc {
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

/** Per-instance aggregates of one service over one bucket, fed raw samples or finer rollups. */
export class InstanceRollup {
  readonly #byId = new Map<number, Acc>();

  /** Adds one scan's samples. */
  addSamples(columns: SampleColumns): void {
    for (let k = 0; k < columns.ids.length; k++) {
      const acc = this.#acc(columns.ids[k] ?? 0);
      const status = columns.status[k] ?? 0;
      const cpu = columns.cpu[k] ?? NO_VALUE;
      const memory = columns.memory[k] ?? NO_VALUE;
      acc.samples++;
      if (status === STATUS_CODE.healthy) acc.healthy++;
      if (status === STATUS_CODE.unreachable || cpu === NO_VALUE || memory === NO_VALUE) {
        if (status === STATUS_CODE.unreachable) acc.unreachable++;
        continue;
      }
      acc.cpuSum += cpu;
      acc.cpuMin = Math.min(acc.cpuMin, cpu);
      acc.cpuMax = Math.max(acc.cpuMax, cpu);
      acc.memorySum += memory;
      acc.memoryMin = Math.min(acc.memoryMin, memory);
      acc.memoryMax = Math.max(acc.memoryMax, memory);
    }
  }

  /** Adds a finer bucket's rollups (minutes into an hour). */
  addRollups(columns: RollupColumns): void {
    for (let k = 0; k < columns.ids.length; k++) {
      const acc = this.#acc(columns.ids[k] ?? 0);
      acc.samples += columns.samples[k] ?? 0;
      acc.healthy += columns.healthy[k] ?? 0;
      acc.unreachable += columns.unreachable[k] ?? 0;
      acc.cpuSum += columns.cpuSum[k] ?? 0;
      acc.memorySum += columns.memorySum[k] ?? 0;
      if ((columns.samples[k] ?? 0) > (columns.unreachable[k] ?? 0)) {
        acc.cpuMin = Math.min(acc.cpuMin, columns.cpuMin[k] ?? NO_VALUE);
        acc.cpuMax = Math.max(acc.cpuMax, columns.cpuMax[k] ?? 0);
        acc.memoryMin = Math.min(acc.memoryMin, columns.memoryMin[k] ?? NO_VALUE);
        acc.memoryMax = Math.max(acc.memoryMax, columns.memoryMax[k] ?? 0);
      }
    }
  }

  /** The packed columns, ids ascending; an instance that never answered has min and max `NO_VALUE`. */
  build(): RollupColumns {
    const ids = [...this.#byId.keys()].sort((a, b) => a - b);
    const n = ids.length;
    const out = {
      ids: Uint32Array.from(ids),
      cpuSum: new Uint32Array(n),
      memorySum: new Uint32Array(n),
      samples: new Uint16Array(n),
      healthy: new Uint16Array(n),
      unreachable: new Uint16Array(n),
      cpuMin: new Uint16Array(n),
      cpuMax: new Uint16Array(n),
      memoryMin: new Uint16Array(n),
      memoryMax: new Uint16Array(n),
    };
    ids.forEach((id, k) => {
      const acc = this.#byId.get(id) as Acc;
      const answered = acc.samples > acc.unreachable;
      out.cpuSum[k] = acc.cpuSum;
      out.memorySum[k] = acc.memorySum;
      out.samples[k] = Math.min(0xffff, acc.samples);
      out.healthy[k] = Math.min(0xffff, acc.healthy);
      out.unreachable[k] = Math.min(0xffff, acc.unreachable);
      out.cpuMin[k] = answered ? acc.cpuMin : NO_VALUE;
      out.cpuMax[k] = answered ? acc.cpuMax : NO_VALUE;
      out.memoryMin[k] = answered ? acc.memoryMin : NO_VALUE;
      out.memoryMax[k] = answered ? acc.memoryMax : NO_VALUE;
    });
    return out;
  }

  #acc(id: number): Acc {
    let acc = this.#byId.get(id);
    if (acc === undefined) {
      acc = {
        samples: 0,
        healthy: 0,
        unreachable: 0,
        cpuSum: 0,
        cpuMin: Number.POSITIVE_INFINITY,
        cpuMax: 0,
        memorySum: 0,
        memoryMin: Number.POSITIVE_INFINITY,
        memoryMax: 0,
      };
      this.#byId.set(id, acc);
    }
    return acc;
  }
}
