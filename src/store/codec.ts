import type { InstanceStatus } from '../core/types.ts';

// The packed forms of a service's samples in one scan and of its per-instance rollups in one
// bucket. Columnar, little-endian, ids ascending: ~9 bytes a raw sample instead of a row of
// ~30 (bench/README.md), and a one-instance lookup is a binary search.

/** Marks a missing cpu or memory value (unreachable); real values are 0–10000 (hundredths of a percent). */
export const NO_VALUE = 0xffff;

/** Status codes stored per sample. */
export const STATUS_CODE: Readonly<Record<InstanceStatus, number>> = {
  healthy: 1,
  unhealthy: 2,
  unreachable: 3,
};
const STATUS_OF: readonly (InstanceStatus | undefined)[] = [
  undefined,
  'healthy',
  'unhealthy',
  'unreachable',
];

/** The status a stored code stands for. */
export function statusOfCode(code: number): InstanceStatus | undefined {
  return STATUS_OF[code];
}

/** A percentage as hundredths (61.25 → 6125); `NO_VALUE` when unknown. */
export function toCenti(value: number | null): number {
  if (value === null || !Number.isFinite(value)) return NO_VALUE;
  return Math.min(10_000, Math.max(0, Math.round(value * 100)));
}

/** Samples of one service in one scan, by instance id. */
export interface SampleColumns {
  readonly ids: Uint32Array;
  readonly cpu: Uint16Array;
  readonly memory: Uint16Array;
  readonly status: Uint8Array;
}

/** Per-instance aggregates of one service over one bucket, by instance id. */
export interface RollupColumns {
  readonly ids: Uint32Array;
  readonly cpuSum: Uint32Array;
  readonly memorySum: Uint32Array;
  readonly samples: Uint16Array;
  readonly healthy: Uint16Array;
  readonly unreachable: Uint16Array;
  readonly cpuMin: Uint16Array;
  readonly cpuMax: Uint16Array;
  readonly memoryMin: Uint16Array;
  readonly memoryMax: Uint16Array;
}

const VERSION = 1;
const KIND_SAMPLES = 1;
const KIND_ROLLUPS = 2;
const HEADER = 8;

/** Packs sample columns (ids ascending) into one blob: 8 + 9 bytes per sample. */
export function encodeSamples(columns: SampleColumns): Uint8Array {
  const n = columns.ids.length;
  const out = new Uint8Array(HEADER + 9 * n);
  writeHeader(out, KIND_SAMPLES, n);
  let at = HEADER;
  at = put(out, at, columns.ids);
  at = put(out, at, columns.cpu);
  at = put(out, at, columns.memory);
  put(out, at, columns.status);
  return out;
}

/** Unpacks {@link encodeSamples}; throws on a blob of another kind or version. */
export function decodeSamples(blob: Uint8Array): SampleColumns {
  const [buffer, base, n] = open(blob, KIND_SAMPLES);
  let at = base + HEADER;
  const ids = new Uint32Array(buffer, at, n);
  at += 4 * n;
  const cpu = new Uint16Array(buffer, at, n);
  at += 2 * n;
  const memory = new Uint16Array(buffer, at, n);
  at += 2 * n;
  return { ids, cpu, memory, status: new Uint8Array(buffer, at, n) };
}

/** Packs rollup columns (ids ascending): 8 + 26 bytes per instance. */
export function encodeRollups(columns: RollupColumns): Uint8Array {
  const n = columns.ids.length;
  const out = new Uint8Array(HEADER + 26 * n);
  writeHeader(out, KIND_ROLLUPS, n);
  let at = HEADER;
  for (const column of [columns.ids, columns.cpuSum, columns.memorySum]) at = put(out, at, column);
  for (const column of [
    columns.samples,
    columns.healthy,
    columns.unreachable,
    columns.cpuMin,
    columns.cpuMax,
    columns.memoryMin,
    columns.memoryMax,
  ]) {
    at = put(out, at, column);
  }
  return out;
}

/** Unpacks {@link encodeRollups}. */
export function decodeRollups(blob: Uint8Array): RollupColumns {
  const [buffer, base, n] = open(blob, KIND_ROLLUPS);
  let at = base + HEADER;
  const u32 = () => {
    const column = new Uint32Array(buffer, at, n);
    at += 4 * n;
    return column;
  };
  const u16 = () => {
    const column = new Uint16Array(buffer, at, n);
    at += 2 * n;
    return column;
  };
  const ids = u32();
  const cpuSum = u32();
  const memorySum = u32();
  return {
    ids,
    cpuSum,
    memorySum,
    samples: u16(),
    healthy: u16(),
    unreachable: u16(),
    cpuMin: u16(),
    cpuMax: u16(),
    memoryMin: u16(),
    memoryMax: u16(),
  };
}

/** Index of `id` in ascending `ids`, or -1. */
export function indexOfId(ids: Uint32Array, id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const value = ids[mid] ?? 0;
    if (value === id) return mid;
    if (value < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function writeHeader(out: Uint8Array, kind: number, n: number): void {
  out[0] = VERSION;
  out[1] = kind;
  new DataView(out.buffer).setUint32(4, n, true);
}

function put(out: Uint8Array, at: number, column: ArrayBufferView): number {
  out.set(new Uint8Array(column.buffer, column.byteOffset, column.byteLength), at);
  return at + column.byteLength;
}

/** The blob's buffer and base offset, copied when it is not 4-byte aligned, and its length. */
function open(blob: Uint8Array, kind: number): [ArrayBufferLike, number, number] {
  if (blob.length < HEADER || blob[0] !== VERSION || blob[1] !== kind) {
    throw new Error(
      `stored ${kind === KIND_SAMPLES ? 'samples' : 'rollups'} are not in format ${VERSION}`,
    );
  }
  const n = new DataView(blob.buffer, blob.byteOffset, HEADER).getUint32(4, true);
  const size = kind === KIND_SAMPLES ? 9 : 26;
  if (blob.length !== HEADER + size * n) throw new Error('stored samples are truncated');
  if (blob.byteOffset % 4 === 0) return [blob.buffer, blob.byteOffset, n];
  return [blob.slice().buffer, 0, n];
}

// Typed arrays use the platform's byte order; every platform Node supports here is little-endian.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('fleetmon stores history in little-endian order and needs a little-endian CPU');
}
