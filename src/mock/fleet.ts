import { hashInts, hashUnit, mulberry32, type Random } from './random.ts';
import { allocateServices, SERVICE_CATALOGUE } from './services.ts';

/** What to simulate: fleet size, the seed that fixes everything, and how values move. */
export interface FleetSpec {
  instances: number;
  seed: number;
  /** `drift`: smooth plausible change; `uniform`: random per request like the original; `fixed`: constant. */
  model: 'drift' | 'uniform' | 'fixed';
}

/** A simulated fleet: pure and deterministic in its seed and the time asked about. */
export interface Fleet {
  /** Unique IPv4 addresses in listing order (shuffled, like the original). */
  readonly ips: readonly string[];
  /** The service an instance runs, `undefined` when the ip is not in the fleet. */
  serviceOf(ip: string): string | undefined;
  /** Integer percents 0..100 at `nowMs`, `undefined` when the ip is not in the fleet. */
  statsAt(ip: string, nowMs: number): { cpu: number; memory: number; service: string } | undefined;
}

/** Largest fleet the 10.58.0.0+ address plan can hold with room to spare. */
export const MAX_INSTANCES = 5_000_000;

/** Addresses drawn per /16 block: host octet 1..254, third octet 0..255. */
const SLOTS_PER_BLOCK = 256 * 254;
/** Keep blocks at most ~60% full so the addresses look scattered rather than dense. */
const INSTANCES_PER_BLOCK = 40_000;
/** Worst case for a hot instance: base ≥ 84, swing ≤ 5, noise ≤ 3 → never below 76. */
const HOT_BASE = 88;

// Streams of the seed, kept apart so adding a draw in one does not shift another.
const STREAM_CPU_NOISE = 1;
const STREAM_MEMORY_NOISE = 2;
const STREAM_UNIFORM_CPU = 3;
const STREAM_UNIFORM_MEMORY = 4;

/** Per-instance parameters in flat typed arrays: 100k instances cost a few MB and no objects. */
interface Params {
  readonly service: Uint8Array;
  readonly cpuBase: Float32Array;
  readonly memBase: Float32Array;
  readonly cpuAmp: Float32Array;
  readonly memAmp: Float32Array;
  readonly cpuPhase: Float32Array;
  readonly memPhase: Float32Array;
  /** Angular speed in radians per second. */
  readonly cpuOmega: Float32Array;
  readonly memOmega: Float32Array;
}

/** Builds the fleet for `spec`; same spec, same fleet. */
export function createFleet(spec: FleetSpec): Fleet {
  const { instances, model } = spec;
  if (!Number.isInteger(instances) || instances < 0 || instances > MAX_INSTANCES) {
    throw new RangeError(
      `instances must be an integer from 0 to ${MAX_INSTANCES}, got ${instances}`,
    );
  }
  if (!Number.isFinite(spec.seed))
    throw new RangeError(`seed must be a finite number, got ${spec.seed}`);
  const seed = Math.trunc(spec.seed) >>> 0;
  const random = mulberry32(seed);
  const ips = drawAddresses(instances, random);
  const serviceIndex = assignServices(instances, random);
  const params = drawParams(serviceIndex, random);
  const indexOf = new Map<string, number>();
  for (let i = 0; i < ips.length; i++) indexOf.set(ips[i] ?? '', i);

  const cpuAndMemory = (i: number, nowMs: number): [number, number] => {
    if (model === 'fixed') return [params.cpuBase[i] ?? 0, params.memBase[i] ?? 0];
    if (model === 'uniform') {
      return [
        hashInts(seed, STREAM_UNIFORM_CPU, i, nowMs) % 101,
        hashInts(seed, STREAM_UNIFORM_MEMORY, i, nowMs) % 101,
      ];
    }
    const t = nowMs / 1000;
    const second = Math.max(0, Math.floor(t));
    const cpuNoise = (hashUnit(seed, STREAM_CPU_NOISE, i, second) - 0.5) * 6;
    const memNoise = (hashUnit(seed, STREAM_MEMORY_NOISE, i, second) - 0.5) * 2;
    return [
      (params.cpuBase[i] ?? 0) +
        (params.cpuAmp[i] ?? 0) *
          Math.sin((params.cpuOmega[i] ?? 0) * t + (params.cpuPhase[i] ?? 0)) +
        cpuNoise,
      (params.memBase[i] ?? 0) +
        (params.memAmp[i] ?? 0) *
          Math.sin((params.memOmega[i] ?? 0) * t + (params.memPhase[i] ?? 0)) +
        memNoise,
    ];
  };

  return {
    ips,
    serviceOf(ip) {
      const i = indexOf.get(ip);
      return i === undefined ? undefined : serviceName(params.service[i]);
    },
    statsAt(ip, nowMs) {
      const i = indexOf.get(ip);
      if (i === undefined) return undefined;
      const [cpu, memory] = cpuAndMemory(i, nowMs);
      return {
        cpu: percent(cpu),
        memory: percent(memory),
        service: serviceName(params.service[i]),
      };
    },
  };
}

function serviceName(index: number | undefined): string {
  return SERVICE_CATALOGUE[index ?? 0]?.name ?? 'UnknownService';
}

function percent(value: number): number {
  return Math.min(100, Math.max(0, Math.round(value)));
}

/**
 * Unique private addresses 10.58.x.y, 10.59.x.y, … picked by a partial
 * Fisher–Yates shuffle over the slots: no retries, no Set, O(slots).
 */
function drawAddresses(count: number, random: Random): string[] {
  const blocks = Math.max(1, Math.ceil(count / INSTANCES_PER_BLOCK));
  const slots = new Int32Array(blocks * SLOTS_PER_BLOCK);
  for (let s = 0; s < slots.length; s++) slots[s] = s;
  const ips = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (slots.length - i));
    const slot = slots[j] ?? 0;
    slots[j] = slots[i] ?? 0;
    slots[i] = slot;
    const block = Math.floor(slot / SLOTS_PER_BLOCK);
    const within = slot % SLOTS_PER_BLOCK;
    ips[i] = `10.${58 + block}.${Math.floor(within / 254)}.${(within % 254) + 1}`;
  }
  return ips;
}

/** Catalogue index per instance, shuffled so services interleave in the listing. */
function assignServices(count: number, random: Random): Uint8Array {
  const counts = allocateServices(count, random);
  const service = new Uint8Array(count);
  let next = 0;
  counts.forEach((n, s) => {
    service.fill(s, next, next + n);
    next += n;
  });
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = service[i] ?? 0;
    service[i] = service[j] ?? 0;
    service[j] = tmp;
  }
  return service;
}

/** Base load, swing and phase per instance, drawn in listing order from the seed. */
function drawParams(service: Uint8Array, random: Random): Params {
  const n = service.length;
  const p: Params = {
    service,
    cpuBase: new Float32Array(n),
    memBase: new Float32Array(n),
    cpuAmp: new Float32Array(n),
    memAmp: new Float32Array(n),
    cpuPhase: new Float32Array(n),
    memPhase: new Float32Array(n),
    cpuOmega: new Float32Array(n),
    memOmega: new Float32Array(n),
  };
  const seen = new Uint32Array(SERVICE_CATALOGUE.length);
  const between = (lo: number, hi: number) => lo + (hi - lo) * random();
  for (let i = 0; i < n; i++) {
    const s = service[i] ?? 0;
    const profile = SERVICE_CATALOGUE[s];
    if (!profile) continue;
    const rank = seen[s] ?? 0;
    seen[s] = rank + 1;
    // A few instances in every service are busier than their siblings, as in real fleets.
    const busy = random() < 0.1 ? between(30, 48) : 0;
    p.cpuBase[i] = profile.cpu + between(-12, 12) + busy;
    p.memBase[i] = profile.memory + between(-12, 12) + busy / 3;
    p.cpuAmp[i] = between(4, 14);
    p.memAmp[i] = between(2, 6);
    p.cpuPhase[i] = between(0, 2 * Math.PI);
    p.memPhase[i] = between(0, 2 * Math.PI);
    p.cpuOmega[i] = (2 * Math.PI) / between(240, 720);
    p.memOmega[i] = (2 * Math.PI) / between(900, 2700);
    if (profile.hot && rank > 0) {
      const base = profile.hot === 'cpu' ? p.cpuBase : p.memBase;
      const amp = profile.hot === 'cpu' ? p.cpuAmp : p.memAmp;
      base[i] = HOT_BASE + between(-4, 8);
      amp[i] = between(2, 5);
    }
  }
  return p;
}
