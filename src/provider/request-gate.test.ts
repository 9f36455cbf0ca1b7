import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestGate } from './request-gate.ts';

describe('RequestGate', () => {
  it('cuts the window once for a burst of retried connects, not once per connect', () => {
    let now = 0;
    const gate = new RequestGate({ concurrency: 64, now: () => now });
    assert.equal(gate.limit, 64);
    gate.enter(undefined, true);
    // Ten connects sent at 0..9 ms overflowed the provider's backlog; their retries come in
    // one after another from 12 ms on.
    now = 12;
    gate.overloaded(0);
    assert.equal(gate.limit, 32);
    for (let sentAt = 1; sentAt < 10; sentAt++) {
      gate.enter(undefined, true); // requests go on meanwhile
      now += 0.2;
      gate.overloaded(sentAt);
    }
    assert.equal(gate.limit, 32, 'connects begun before the cut were part of the same burst');
    // A connect sent after the cut that overflows again is news.
    gate.enter(undefined, true);
    now = 20;
    gate.overloaded(15);
    assert.equal(gate.limit, 16);
  });

  it('ignores overload signs when adaptation is off', () => {
    const gate = new RequestGate({ concurrency: 8, adaptive: false });
    gate.overloaded(0);
    assert.equal(gate.limit, 8);
  });
});
