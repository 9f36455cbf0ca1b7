import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Pass, RequestGate } from './request-gate.ts';

const answered = { ok: true, text: '{}' } as const;

/** A request entering the gate: its pass once in, and whether it is in yet. */
function entering(gate: RequestGate): { pass: Promise<Pass>; isIn: () => boolean } {
  let isIn = false;
  const pass = Promise.resolve(gate.enter(undefined, true)).then((entered) => {
    isIn = true;
    return entered;
  });
  return { pass, isIn: () => isIn };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('RequestGate', () => {
  it('hands a slot released early to a waiting request, and frees it only once', async () => {
    const gate = new RequestGate({ concurrency: 1, adaptive: false });
    const first = await entering(gate).pass;
    const second = entering(gate);
    await settle();
    assert.equal(second.isIn(), false, 'one slot: the second waits');
    // The first answer's head came alone and a request goes behind it: its slot is free now.
    first.release();
    await settle();
    assert.equal(second.isIn(), true);
    // The first request ends later: leaving frees nothing more, so a third still waits.
    gate.leave(first, answered);
    const third = entering(gate);
    await settle();
    assert.equal(third.isIn(), false, 'still one in flight at most');
    gate.leave(await second.pass, answered);
    gate.leave(await third.pass, answered);
    assert.equal(third.isIn(), true);
  });
});
