import type { Labels } from '../core/alert-types.ts';

// FNV-1a 64 over the label names in byte order, each name and value followed by 0xff: the
// algorithm of Prometheus' model.LabelSet.Fingerprint, so fleetmon's fingerprints equal the
// ones Alertmanager shows for the alerts fleetmon pushes. Two 32-bit halves, not BigInt: this
// runs once per new alert, but evaluation stays well inside its budget either way.
const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
// The 64-bit prime is 2^40 + 0x1b3.
const PRIME_LO = 0x1b3;
const SEPARATOR = 0xff;
const encoder = new TextEncoder();

/** The fingerprint of a label set: 16 lowercase hex digits, stable across runs and versions. */
export function fingerprintOf(labels: Labels): string {
  let hi = OFFSET_HI;
  let lo = OFFSET_LO;
  const add = (byte: number): void => {
    lo ^= byte;
    // (hi, lo) * (2^40 + 0x1b3) mod 2^64, in 16-bit pieces so nothing exceeds 2^53.
    const loLo = (lo & 0xffff) * PRIME_LO;
    const loHi = (lo >>> 16) * PRIME_LO + (loLo >>> 16);
    const newLo = ((loHi & 0xffff) << 16) | (loLo & 0xffff);
    const carry = Math.floor(loHi / 0x10000);
    // hi * 0x1b3 + carry + (lo << 8) (the 2^40 part lands 8 bits into the high word).
    const newHi = (Math.imul(hi, PRIME_LO) + carry + (lo << 8)) >>> 0;
    hi = newHi;
    lo = newLo >>> 0;
  };
  const names = Object.keys(labels).sort(byBytes);
  for (const name of names) {
    for (const byte of encoder.encode(name)) add(byte);
    add(SEPARATOR);
    for (const byte of encoder.encode(labels[name] ?? '')) add(byte);
    add(SEPARATOR);
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** Go's string order (bytes), which for label names (ASCII) is code-unit order. */
function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
