import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fingerprintOf } from './fingerprint.ts';

/** FNV-1a 64 as Prometheus' model.LabelSet.Fingerprint computes it, in BigInt: the reference. */
function reference(labels: Record<string, string>): string {
  let h = 0xcbf29ce484222325n;
  const add = (byte: number) => {
    h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  };
  const encoder = new TextEncoder();
  for (const name of Object.keys(labels).sort()) {
    for (const b of encoder.encode(name)) add(b);
    add(0xff);
    for (const b of encoder.encode(labels[name])) add(b);
    add(0xff);
  }
  return h.toString(16).padStart(16, '0');
}

describe('fingerprintOf', () => {
  it('is the FNV-1a offset for no labels, as in Prometheus', () => {
    assert.equal(fingerprintOf({}), 'cbf29ce484222325');
  });

  it('ignores the order labels were written in', () => {
    assert.equal(
      fingerprintOf({ alertname: 'X', service: 'A', severity: 'warning' }),
      fingerprintOf({ severity: 'warning', service: 'A', alertname: 'X' }),
    );
  });

  it('matches the 64-bit reference for any labels, UTF-8 included', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.stringMatching(/^[a-z_][a-z0-9_]{0,12}$/),
          fc.string({ unit: 'grapheme' }),
        ),
        (labels) => fingerprintOf(labels) === reference(labels),
      ),
      { numRuns: 500 },
    );
  });
});
