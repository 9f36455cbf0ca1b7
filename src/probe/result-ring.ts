import { seconds } from '../core/probe-record.ts';
import type { ProbeResult, ProbeVerdict } from '../core/probe-types.ts';

const VERDICTS: readonly ProbeVerdict[] = ['ok', 'skewed', 'down', 'unknown'];

/** A probe's results over a window, for charts: one entry per run, oldest first; seconds. */
export interface ProbeHistory {
  readonly ts: number[];
  readonly latencySeconds: (number | null)[];
  readonly offsetSeconds: (number | null)[];
  readonly uncertaintySeconds: (number | null)[];
  readonly verdict: ProbeVerdict[];
}

/**
 * The last `capacity` results of one probe in typed arrays: 33 bytes a run, so 200 probes at 5 s
 * keep an hour in under 5 MB, however long `serve` runs.
 */
export class ResultRing {
  readonly capacity: number;
  #ts: Float64Array;
  #latency: Float64Array;
  #offset: Float64Array;
  #uncertainty: Float64Array;
  #verdict: Uint8Array;
  #start = 0;
  #size = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity));
    this.#ts = new Float64Array(this.capacity);
    this.#latency = new Float64Array(this.capacity);
    this.#offset = new Float64Array(this.capacity);
    this.#uncertainty = new Float64Array(this.capacity);
    this.#verdict = new Uint8Array(this.capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Appends a result, dropping the oldest when full. */
  push(result: ProbeResult): void {
    const i = (this.#start + this.#size) % this.capacity;
    // Whole ms: what the API serves, and what clients send back as `since=`.
    this.#ts[i] = Math.round(result.ts);
    this.#latency[i] = result.latencyMs ?? Number.NaN;
    this.#offset[i] = result.offsetMs ?? Number.NaN;
    this.#uncertainty[i] = result.uncertaintyMs ?? Number.NaN;
    this.#verdict[i] = VERDICTS.indexOf(result.verdict);
    if (this.#size < this.capacity) this.#size++;
    else this.#start = (this.#start + 1) % this.capacity;
  }

  /** The runs that started after `sinceMs` (exclusive), oldest first. */
  since(sinceMs: number): ProbeHistory {
    const out: ProbeHistory = {
      ts: [],
      latencySeconds: [],
      offsetSeconds: [],
      uncertaintySeconds: [],
      verdict: [],
    };
    for (let k = 0; k < this.#size; k++) {
      const i = (this.#start + k) % this.capacity;
      const ts = this.#ts[i] ?? 0;
      if (ts <= sinceMs) continue;
      out.ts.push(ts);
      out.latencySeconds.push(stored(this.#latency[i]));
      out.offsetSeconds.push(stored(this.#offset[i]));
      out.uncertaintySeconds.push(stored(this.#uncertainty[i]));
      out.verdict.push(VERDICTS[this.#verdict[i] ?? 0] ?? 'ok');
    }
    return out;
  }

  /** A ring of another capacity with the newest results of this one. */
  resized(capacity: number): ResultRing {
    const ring = new ResultRing(capacity);
    const keep = Math.min(this.#size, ring.capacity);
    for (let j = 0; j < keep; j++) {
      const i = (this.#start + this.#size - keep + j) % this.capacity;
      ring.#ts[j] = this.#ts[i] ?? 0;
      ring.#latency[j] = this.#latency[i] ?? Number.NaN;
      ring.#offset[j] = this.#offset[i] ?? Number.NaN;
      ring.#uncertainty[j] = this.#uncertainty[i] ?? Number.NaN;
      ring.#verdict[j] = this.#verdict[i] ?? 0;
    }
    ring.#size = keep;
    return ring;
  }
}

/** A stored value (NaN: none) in seconds. */
function stored(ms: number | undefined): number | null {
  return seconds(ms === undefined || Number.isNaN(ms) ? null : ms);
}
