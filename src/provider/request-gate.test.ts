import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Pass, RequestGate } from './request-gate.ts';

describe('RequestGate', () => {
  it('cuts the window once for a burst of retried connects, not once per connect', () => {
    let now = 0;
    const gate = new RequestGate({ concurrency: 64, now: () => now });
    const passes = Array.from({ length: 20 }, () => gate.enter(undefined, true) as Pass);
    // Ten of the twenty connects sent at 0..9 ms overflowed the provider's backlog; their
    // retries come in one after another from 12 ms on.
    now = 12;
    gate.overloaded(0, 10);
    assert.equal(gate.limit, 5, 'half the 10 requests the provider took');
    for (const pass of passes.splice(4)) gate.leave(pass, undefined);
    for (let sentAt = 1; sentAt < 10; sentAt++) {
      const pass = gate.enter(undefined, true) as Pass; // requests go on meanwhile
      now += 0.2;
      gate.overloaded(sentAt, 1);
      gate.leave(pass, undefined);
    }
    assert.equal(gate.limit, 5, 'connects begun before the cut were part of the same burst');
    // A connect sent after the cut that overflows again is news.
    gate.enter(undefined, true);
    now = 20;
    gate.overloaded(15, 0);
    assert.equal(gate.limit, 2);
  });

  it('cuts from the requests the provider took, not from a window that outgrew its backlog', () => {
    const gate = new RequestGate({ concurrency: 64 });
    const passes = Array.from({ length: 20 }, () => gate.enter(undefined, true));
    assert.equal(passes.length, 20);
    // 20 in flight, of which 12 still wait for their connects: the provider holds 8.
    gate.overloaded(0, 12);
    assert.equal(gate.limit, 4);
  });

  it('holds slow start while connects stall, and lets it grow when they clear', () => {
    let stalled = false;
    const gate = new RequestGate({ concurrency: 64, connectsStalled: () => stalled });
    gate.closesConnections();
    assert.equal(gate.limit, 4);
    const answer = () => gate.leave(gate.enter(undefined, true) as Pass, { ok: true, text: '{}' });
    answer();
    assert.equal(gate.limit, 5);
    stalled = true;
    answer();
    answer();
    assert.equal(gate.limit, 5);
    stalled = false;
    answer();
    assert.equal(gate.limit, 6);
  });

  it('ignores overload signs when adaptation is off', () => {
    const gate = new RequestGate({ concurrency: 8, adaptive: false });
    gate.overloaded(0, 0);
    assert.equal(gate.limit, 8);
  });
});
