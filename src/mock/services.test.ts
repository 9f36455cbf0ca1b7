import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from './random.ts';
import { allocateServices, SERVICE_CATALOGUE } from './services.ts';

const sizes = [0, 1, 2, 3, 5, 10, 29, 30, 31, 150, 1_000, 100_000];

describe('allocateServices', () => {
  for (const total of sizes) {
    it(`gives every one of ${total} instances a service`, () => {
      const counts = allocateServices(total, mulberry32(1));
      assert.equal(counts.length, SERVICE_CATALOGUE.length);
      assert.equal(
        counts.reduce((a, b) => a + b, 0),
        total,
      );
      assert.ok(counts.every((n) => Number.isInteger(n) && n >= 0));
    });
  }

  it('keeps the singleton at one and hot services at three or more in full fleets', () => {
    for (const total of [30, 150, 100_000]) {
      const counts = allocateServices(total, mulberry32(3));
      SERVICE_CATALOGUE.forEach((profile, i) => {
        const n = counts[i] ?? 0;
        if (profile.single) assert.equal(n, 1, profile.name);
        else if (profile.hot) assert.ok(n >= 3, `${profile.name} has ${n}`);
        else assert.ok(n >= 2, `${profile.name} has ${n}`);
      });
    }
  });

  it('uses a few well-filled services for tiny fleets', () => {
    const counts = allocateServices(5, mulberry32(1));
    const used = counts.filter((n) => n > 0);
    assert.ok(used.length >= 2 && used.length <= 3, `services used: ${used.length}`);
  });

  it('sizes services unevenly', () => {
    const counts = allocateServices(150, mulberry32(1)).filter((n) => n > 1);
    assert.ok(Math.max(...counts) >= 2 * Math.min(...counts));
  });
});
