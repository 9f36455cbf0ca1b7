import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allowForDrift,
  DATE_LAG_MS,
  dateInterval,
  halfWidth,
  intersect,
  midpoint,
  nextCut,
  nextDateSend,
  stampInterval,
} from './offset-interval.ts';

describe('stampInterval (NTP-style)', () => {
  const cases: [string, { ms: number; precisionMs: number }, [number, number], [number, number]][] =
    [
      // name, stamp, [sentAt, receivedAt], expected [lo, hi]
      ['server on time, 10 ms round trip', { ms: 1005, precisionMs: 0 }, [1000, 1010], [-5, 5]],
      ['server 2 s ahead', { ms: 3005, precisionMs: 0 }, [1000, 1010], [1995, 2005]],
      ['ms stamp widens by 1 ms each side', { ms: 1005, precisionMs: 1 }, [1000, 1010], [-6, 6]],
      ['server behind', { ms: 500, precisionMs: 0 }, [1000, 1000], [-500, -500]],
    ];
  for (const [name, stamp, [sentAt, receivedAt], [lo, hi]] of cases) {
    it(name, () => {
      assert.deepEqual(stampInterval(stamp, { sentAt, receivedAt }, 0), { lo, hi });
    });
  }

  it("widens both sides by how far our clock's readings may be off", () => {
    assert.deepEqual(
      stampInterval({ ms: 1005, precisionMs: 0 }, { sentAt: 1000, receivedAt: 1010 }, 0.5),
      { lo: -5.5, hi: 5.5 },
    );
  });
});

describe('dateInterval', () => {
  it('spans the whole second named, plus the round trip and the lag of cached Date texts', () => {
    // The server's clock read somewhere in [10 000, 11 000 + lag) while ours read [10 400, 10 410].
    assert.deepEqual(dateInterval(10_000, { sentAt: 10_400, receivedAt: 10_410 }, 0), {
      lo: -410,
      hi: 600 + DATE_LAG_MS,
    });
  });
});

describe('intersect', () => {
  it('keeps what every interval allows', () => {
    assert.deepEqual(
      intersect([
        { lo: -10, hi: 20 },
        { lo: -5, hi: 30 },
        { lo: -20, hi: 15 },
      ]),
      { lo: -5, hi: 15 },
    );
  });
  it('is undefined for contradicting intervals and for none', () => {
    assert.equal(
      intersect([
        { lo: 0, hi: 1 },
        { lo: 2, hi: 3 },
      ]),
      undefined,
    );
    assert.equal(intersect([]), undefined);
  });
  it('accepts intervals that only touch', () => {
    assert.deepEqual(
      intersect([
        { lo: 0, hi: 1 },
        { lo: 1, hi: 3 },
      ]),
      { lo: 1, hi: 1 },
    );
  });
});

describe('allowForDrift, midpoint, halfWidth', () => {
  it('widens by 1 ms per second measured, both sides', () => {
    assert.deepEqual(allowForDrift({ lo: 10, hi: 20 }, 3000), { lo: 7, hi: 23 });
    assert.deepEqual(allowForDrift({ lo: 10, hi: 20 }, -5), { lo: 10, hi: 20 });
  });
  it('reports the middle and half the width', () => {
    assert.equal(midpoint({ lo: 990, hi: 1010 }), 1000);
    assert.equal(halfWidth({ lo: 990, hi: 1010 }), 10);
  });
});

describe('nextCut', () => {
  it('bisects without an earlier reading, a little low for the lag of Date texts', () => {
    assert.equal(nextCut({ lo: -400, hi: 600 }), 100 - DATE_LAG_MS / 2);
  });
  it('with an earlier reading it agrees with, cuts just past the edge that leaves less', () => {
    // Truth believed in [320, 345]; the reading so far is the first Date's whole second.
    assert.equal(nextCut({ lo: -200, hi: 810 }, { lo: 320, hi: 345 }), 315);
    // The lower side is already bounded: cut just above the earlier reading.
    assert.equal(nextCut({ lo: 300, hi: 1300 }, { lo: 320, hi: 345 }), 350);
  });
  it('bisects when the earlier reading disagrees, or would not help', () => {
    assert.equal(nextCut({ lo: -400, hi: 600 }, { lo: 900, hi: 950 }), 95);
    assert.equal(nextCut({ lo: 0, hi: 20 }, { lo: -500, hi: 500 }), 5);
  });
});

describe('nextDateSend', () => {
  const cut = (lo: number, hi: number) => (lo + hi) / 2 - DATE_LAG_MS / 2;
  const cases: [string, number, number, number, number][] = [
    // name, lo, hi, lead, earliest
    ['offset near zero', -400, 600, 5, 10_000.5],
    ['server 1.3 s ahead', 1200, 1400, 0.5, 10_000],
    ['server 2.7 s behind', -2800, -2600, 50, 123_456.7],
    ['exactly on a boundary already', -5, 15, 0, 10_000],
  ];
  for (const [name, lo, hi, lead, earliest] of cases) {
    it(`${name}: the server reads its clock at a second boundary if the offset is at the cut`, () => {
      const send = nextDateSend(cut(lo, hi), lead, earliest);
      assert.ok(send >= earliest, `${send} before ${earliest}`);
      assert.ok(send < earliest + 1000, 'within the next second');
      const serverReadsAt = send + lead + cut(lo, hi);
      assert.ok(Math.abs(serverReadsAt - Math.round(serverReadsAt / 1000) * 1000) < 1e-6);
    });
  }
});
