import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock, settle } from '../../time/fake-clock.test-helper.ts';
import { Admission, type Ticket } from './admission.ts';

/** A request waiting to be admitted: its ticket once in, and whether it is in yet. */
function admitting(admission: Admission, signal?: AbortSignal) {
  let isIn = false;
  const ticket = Promise.resolve(admission.admit(signal, true)).then((admitted) => {
    isIn = true;
    return admitted;
  });
  return { ticket, isIn: () => isIn };
}

describe('Admission', () => {
  it('hands a slot released early to a waiting request, and frees it only once', async () => {
    const admission = new Admission({ concurrency: 1, adaptive: false, clock: new FakeClock() });
    const first = await admitting(admission).ticket;
    const second = admitting(admission);
    await settle();
    assert.equal(second.isIn(), false, 'one slot: the second waits');
    // The first answer's head came alone and a request goes behind it: its slot is free now.
    first.release();
    await settle();
    assert.equal(second.isIn(), true);
    // The first request ends later: settling it frees nothing more, so a third still waits.
    admission.settle(first, 'answered');
    const third = admitting(admission);
    await settle();
    assert.equal(third.isIn(), false, 'still one in flight at most');
    admission.settle(await second.ticket, 'answered');
    admission.settle(await third.ticket, 'answered');
    assert.equal(third.isIn(), true);
  });

  it('never admits more than --rate a second: a burst of 50 ms worth, then one per token', async () => {
    const clock = new FakeClock();
    const admission = new Admission({ concurrency: 64, ratePerSecond: 100, clock });
    const admittedAt: number[] = [];
    const all = Array.from({ length: 41 }, () =>
      Promise.resolve(admission.admit(undefined, true)).then((ticket) => {
        admittedAt.push(clock.now());
        admission.settle(ticket, 'answered');
      }),
    );
    await clock.advance(400);
    await Promise.all(all);
    assert.deepEqual(admittedAt.slice(0, 5), [0, 0, 0, 0, 0]);
    assert.deepEqual(
      admittedAt.slice(5),
      Array.from({ length: 36 }, (_, i) => (i + 1) * 10),
    );
  });

  it('admits nobody while the provider asked for a pause, and lets a waiter give up', async () => {
    const clock = new FakeClock();
    const admission = new Admission({ concurrency: 4, clock });
    admission.pause(1000);
    const waiting = admitting(admission);
    const controller = new AbortController();
    const givingUp = admitting(admission, controller.signal);
    await clock.advance(999);
    assert.equal(waiting.isIn(), false);
    controller.abort(new Error('stopped'));
    await assert.rejects(givingUp.ticket, /stopped/);
    await clock.advance(1);
    assert.equal(waiting.isIn(), true);
  });

  it('feeds the window: an overload halves it, and tickets sent before a cut cannot cut again', async () => {
    const admission = new Admission({ concurrency: 8, clock: new FakeClock() });
    const tickets: Ticket[] = [];
    for (let i = 0; i < 8; i++) tickets.push(await admitting(admission).ticket);
    for (const ticket of tickets) admission.settle(ticket, 'overload');
    assert.deepEqual([admission.limit, admission.decreases], [4, 1]);
  });

  it('learns nothing from an aborted request, and frees its slot', async () => {
    const admission = new Admission({ concurrency: 1, clock: new FakeClock() });
    const ticket = await admitting(admission).ticket;
    admission.settle(ticket, undefined);
    assert.deepEqual([admission.limit, admission.decreases], [1, 0]);
    assert.equal((await admitting(admission).ticket).number, 2);
  });
});
