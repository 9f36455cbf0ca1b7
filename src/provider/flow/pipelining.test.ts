import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pipelining } from './pipelining.ts';

describe('Pipelining', () => {
  it('sends a request behind a head that came alone, until a pipelined request fails', () => {
    const pipelining = new Pipelining();
    assert.equal(pipelining.headAlone(2), true);
    assert.equal(pipelining.headsAlone, true);
    pipelining.failed();
    assert.equal(pipelining.headAlone(2), false, 'the server may not take pipelined requests');
    assert.equal(pipelining.headsAlone, true, 'its answers still stall');
  });

  it('takes a head alone before more than 64 KiB for a large body streaming in, not a stall', () => {
    const pipelining = new Pipelining();
    assert.equal(pipelining.headAlone(100_000), false);
    assert.equal(pipelining.headsAlone, false);
    assert.equal(pipelining.headAlone(64 * 1024), true);
  });

  it("asks to close after a last round's request only once answers are seen to stall", () => {
    const pipelining = new Pipelining();
    assert.deepEqual([pipelining.closesAfter(true), pipelining.closesAfter(false)], [false, false]);
    pipelining.headAlone(2);
    assert.deepEqual([pipelining.closesAfter(true), pipelining.closesAfter(false)], [true, false]);
  });

  it('asks for a connection per request once reused connections keep stalling and new ones do not', () => {
    const pipelining = new Pipelining();
    assert.equal(pipelining.answered(false, 0), false);
    assert.equal(pipelining.answered(true, 60), false);
    assert.equal(pipelining.answered(true, 60), false);
    assert.equal(pipelining.answered(true, 60), true, 'three stalls, all of the reused answers');
    assert.deepEqual([pipelining.closeEach, pipelining.on], [true, false]);
    assert.equal(pipelining.closesAfter(false), true);
    assert.equal(pipelining.answered(true, 60), false, 'switched once');
  });

  it('keeps connections for a server whose bodies lag on new connections too (slow by itself)', () => {
    const pipelining = new Pipelining();
    for (let i = 0; i < 3; i++) assert.equal(pipelining.answered(false, 60), false);
    for (let i = 0; i < 10; i++) assert.equal(pipelining.answered(true, 60), false);
    assert.equal(pipelining.closeEach, false);
  });

  it('leaves alone stalls that are fewer than half of the answers on reused connections', () => {
    const pipelining = new Pipelining();
    pipelining.answered(false, 0);
    for (let i = 0; i < 8; i++) pipelining.answered(true, 0);
    for (let i = 0; i < 3; i++) assert.equal(pipelining.answered(true, 30), false);
    assert.equal(pipelining.closeEach, false);
  });
});
