import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Pass, RequestGate } from './request-gate.ts';

describe('RequestGate', () => {
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
});
