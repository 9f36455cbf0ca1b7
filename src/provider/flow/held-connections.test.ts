import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../time/fake-clock.test-helper.ts';
import { HeldConnections } from './held-connections.ts';

describe('HeldConnections', () => {
  it('counts the connections held, leaving out those held longer than asked', async () => {
    const clock = new FakeClock();
    const held = new HeldConnections(clock);
    const [a, b, c] = [{}, {}, {}];
    held.add(a);
    await clock.advance(30);
    held.add(b);
    await clock.advance(30);
    held.add(c);
    assert.deepEqual(
      [held.heldWithin(Number.POSITIVE_INFINITY), held.heldWithin(30), held.heldWithin(0)],
      [3, 2, 1],
    );
  });

  it('says how long a connection was held when it is let go, once', async () => {
    const clock = new FakeClock();
    const held = new HeldConnections(clock);
    const connection = {};
    held.add(connection);
    await clock.advance(12);
    assert.equal(held.remove(connection), 12);
    assert.equal(held.remove(connection), undefined);
    assert.equal(held.heldWithin(Number.POSITIVE_INFINITY), 0);
  });

  it('counts a connection that carries another request from when it began to', async () => {
    const clock = new FakeClock();
    const held = new HeldConnections(clock);
    const [older, reused] = [{}, {}];
    held.add(reused);
    await clock.advance(10);
    held.add(older);
    await clock.advance(10);
    held.add(reused);
    // Oldest first: `older` (10 ms) is past 5 ms, `reused` (0 ms) is not.
    assert.equal(held.heldWithin(5), 1);
  });
});
