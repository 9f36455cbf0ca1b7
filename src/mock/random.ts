// Tiny deterministic randomness for the simulated provider. Math.random is not
// used anywhere in the mock so that a seed reproduces a run exactly.

/** A PRNG returning floats in [0, 1); mulberry32, good enough for simulation and fast. */
export type Random = () => number;

/** Seeded mulberry32 generator. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Murmur3's 32-bit finaliser: spreads every input bit over the output. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hashes a list of non-negative integers (any size up to 2^53) to 32 bits.
 * Used where a value must be a pure function of its inputs (seed, instance, time).
 */
export function hashInts(...values: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    // Mix both halves so epoch milliseconds (> 2^32) keep their high bits.
    const high = Math.floor(value / 4294967296);
    h = fmix32(h ^ fmix32(value >>> 0));
    if (high !== 0) h = fmix32(h ^ fmix32(high + 0x632be5ab));
  }
  return h;
}

/** A float in [0, 1) that is a pure function of the given integers. */
export function hashUnit(...values: readonly number[]): number {
  return hashInts(...values) / 4294967296;
}

/** Derives an independent 32-bit seed from a seed and a purpose tag, so streams do not overlap. */
export function deriveSeed(seed: number, stream: number): number {
  return hashInts(seed >>> 0, Math.floor(seed / 4294967296) >>> 0, stream);
}
