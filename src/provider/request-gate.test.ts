import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Pass, RequestGate } from './request-gate.ts';

const answered = { ok: true, text: '{}' } as const;

/** Enters the gate, waiting if need be. */
async function enter(gate: RequestGate): Promise<Pass> {
  return await gate.enter(undefined, true);
}

describe('RequestGate', () => {
  it('hands a slot released early to a waiting request, and frees it only once', async () => {
    const gate = new RequestGate({ concurrency: 1, adaptive: false });
    const first = await enter(gate);
    let entered = false;
    const second = enter(gate).then((pass) => {
      entered = true;
      return pass;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(entered, false, 'one slot: the second waits');
    // The first answer's head came alone and a request goes behind it: its slot is free now.
    first.release();
    const pass = await second;
    assert.equal(entered, true);
    // The first request ends later: leaving frees nothing more, so a third still waits.
    gate.leave(first, answered);
    let third = false;
    const last = enter(gate).then((p) => {
      third = true;
      return p;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(third, false, 'still one in flight at most');
    gate.leave(pass, answered);
    gate.leave(await last, answered);
    assert.equal(third, true);
  });
});
