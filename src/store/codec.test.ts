import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeRollups,
  decodeSamples,
  encodeRollups,
  encodeSamples,
  indexOfId,
  NO_VALUE,
  toCenti,
} from './codec.ts';
import { InstanceRollup } from './rollup-columns.ts';

describe('codec', () => {
  const samples = {
    ids: Uint32Array.from([3, 7, 4_000_000_000]),
    cpu: Uint16Array.from([6125, NO_VALUE, 0]),
    memory: Uint16Array.from([10_000, NO_VALUE, 1]),
    status: Uint8Array.from([1, 3, 2]),
  };

  it('packs samples in 8 + 9 bytes each and reads them back, even from an unaligned buffer', () => {
    const blob = encodeSamples(samples);
    assert.equal(blob.length, 8 + 9 * 3);
    assert.deepEqual(decodeSamples(blob), samples);
    const shifted = new Uint8Array(blob.length + 1);
    shifted.set(blob, 1);
    assert.deepEqual(decodeSamples(shifted.subarray(1)), samples);
  });

  it('refuses blobs of another kind, version or length', () => {
    const blob = encodeSamples(samples);
    assert.throws(() => decodeRollups(blob), /not in format 1/);
    assert.throws(() => decodeSamples(blob.subarray(0, 20)), /truncated/);
    const future = blob.slice();
    future[0] = 2;
    assert.throws(() => decodeSamples(future), /not in format 1/);
  });

  it('rolls samples and rollups up exactly, and packs rollups in 8 + 26 bytes each', () => {
    const minute = new InstanceRollup();
    minute.addSamples(samples);
    minute.addSamples({
      ...samples,
      cpu: Uint16Array.from([25, 50, 75]),
      memory: Uint16Array.from([1, 5, 1]),
      status: Uint8Array.from([2, 1, 1]),
    });
    const packed = encodeRollups(minute.build());
    assert.equal(packed.length, 8 + 26 * 3);
    const hour = new InstanceRollup();
    hour.addRollups(decodeRollups(packed));
    hour.addRollups(decodeRollups(packed));
    const out = decodeRollups(encodeRollups(hour.build()));
    assert.deepEqual([...out.samples], [4, 4, 4]);
    assert.deepEqual([...out.healthy], [2, 2, 2]);
    assert.deepEqual([...out.unreachable], [0, 2, 0]);
    assert.deepEqual([...out.cpuSum], [2 * (6125 + 25), 2 * 50, 2 * 75]);
    assert.deepEqual([...out.cpuMin], [25, 50, 0]);
    assert.deepEqual([...out.cpuMax], [6125, 50, 75]);
  });

  it('finds an id by binary search, and turns percentages into hundredths', () => {
    assert.equal(indexOfId(samples.ids, 7), 1);
    assert.equal(indexOfId(samples.ids, 4_000_000_000), 2);
    assert.equal(indexOfId(samples.ids, 5), -1);
    assert.deepEqual(
      [toCenti(61.255), toCenti(null), toCenti(120), toCenti(-1)],
      [6126, NO_VALUE, 10_000, 0],
    );
  });
});
