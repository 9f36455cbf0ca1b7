import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../time/fake-clock.test-helper.ts';
import { ConnectPacer } from './connect-pacer.ts';

/** A pacer on a fake clock; `held(maxAgeMs)` stands for the connections the provider holds. */
function pacerWith(held: (maxAgeMs: number) => number = () => 0, clock = new FakeClock()) {
  return new ConnectPacer(clock, { heldWithin: held });
}

describe('ConnectPacer', () => {
  it('starts 4 connects at once and doubles that every round while none is dropped', () => {
    const pacer = pacerWith();
    let started = 0;
    for (let i = 0; i < 64; i++) pacer.enter(() => started++);
    assert.equal(started, 4);
    for (let i = 0; i < 4; i++) {
      pacer.completed();
      pacer.leave();
    }
    assert.deepEqual([pacer.cap, started], [8, 12]);
  });

  it('after a dropped SYN runs half the connects then under way, and the rest in turn', () => {
    const pacer = pacerWith();
    const started: number[] = [];
    for (let i = 0; i < 4; i++) pacer.enter(() => started.push(i));
    for (let i = 0; i < 4; i++) pacer.completed();
    for (let i = 4; i < 8; i++) pacer.enter(() => started.push(i));
    assert.equal(started.length, 8, 'slow start: the cap is 8 by now');
    pacer.dropped(0);
    assert.equal(pacer.cap, 4);
    for (let i = 8; i < 12; i++) pacer.enter(() => started.push(i));
    assert.equal(started.length, 8, 'the new connects wait');
    for (let i = 0; i < 4; i++) pacer.leave();
    assert.equal(started.length, 8, 'still 4 under way, the cap');
    pacer.leave();
    assert.deepEqual(started.slice(8), [8]);
  });

  it('cuts once per burst: drops of connects begun before the cut are the same news', async () => {
    const clock = new FakeClock();
    const pacer = pacerWith(undefined, clock);
    for (let i = 0; i < 16; i++) pacer.enter(() => undefined);
    for (let i = 0; i < 12; i++) pacer.completed();
    assert.equal(pacer.cap, 16);
    await clock.advance(5);
    assert.equal(pacer.dropped(0), true);
    assert.equal(pacer.dropped(1), false);
    assert.equal(pacer.dropped(4), false);
    assert.equal(pacer.cap, 8);
    assert.equal(pacer.dropped(6), true);
    assert.equal(pacer.cap, 8);
    // Every re-sent connect counts for --stats, cut or not.
    assert.equal(pacer.resent, 4);
  });

  it('raises the cap by one per round of connects that get through at the first try', () => {
    const pacer = pacerWith();
    for (let i = 0; i < 4; i++) pacer.enter(() => undefined);
    pacer.dropped(0);
    assert.equal(pacer.cap, 2);
    pacer.completed();
    pacer.completed();
    assert.equal(pacer.cap, 3);
  });

  it('can be capped before any overflow, for a provider known to close every connection', () => {
    const pacer = pacerWith();
    pacer.limit(4);
    let started = 0;
    for (let i = 0; i < 16; i++) pacer.enter(() => started++);
    assert.equal(started, 4);
    pacer.limit(8);
    assert.equal(pacer.cap, 4, 'a limit never raises the cap');
    for (let i = 0; i < 4; i++) pacer.completed();
    assert.equal(pacer.cap, 5, 'no slow start after a limit: one more per round');
  });

  it('once told to, starts connects only while the provider holds fewer than that, and one per release', () => {
    let held = 0;
    const pacer = pacerWith(() => held);
    pacer.limit(4);
    held = 3;
    pacer.holdAtCurrent(5);
    let started = 0;
    for (let i = 0; i < 8; i++) {
      pacer.enter(() => {
        started++;
      });
    }
    assert.equal(started, 2, '3 held and 2 under way make 5');
    held = 4;
    pacer.leave();
    assert.equal(started, 2, 'a connect that got through is held now: no room');
    held = 3;
    pacer.released(1);
    assert.equal(started, 3);
  });

  it('raises the hold cap by one per round of connects that get through at the first try', () => {
    let held = 0;
    const pacer = pacerWith(() => held);
    pacer.limit(4);
    pacer.holdAtCurrent(2);
    let started = 0;
    for (let i = 0; i < 8; i++) {
      pacer.enter(() => {
        started++;
      });
    }
    assert.equal(started, 2);
    for (let i = 0; i < 2; i++) {
      pacer.completed();
      held++;
      pacer.leave();
    }
    assert.equal(started, 3, 'a round of 2 at the first try: 3 may be held now');
    held = 1;
    pacer.released(1);
    assert.equal(started, 4);
  });

  it('does not count a connection held four times as long as usual (and 50 ms): it is hung, not queued', () => {
    const ages = [1, 2, 3, 4];
    const pacer = pacerWith((maxAgeMs) => ages.filter((age) => age <= maxAgeMs).length);
    pacer.limit(4);
    pacer.holdAtCurrent(1);
    let started = 0;
    pacer.enter(() => {
      started++;
    });
    assert.equal(started, 0, 'four held, the cap');
    // Two of them grow old without an answer while the provider answers another in 2 ms.
    ages.splice(0, 4, 2, 3, 60, 70);
    pacer.released(2);
    assert.equal(
      started,
      1,
      'held 60 and 70 ms against a usual 2: hung, so 2 held and 1 under way',
    );
  });

  it('looks again once the connections it waits on count as hung, even if none is let go', async () => {
    const clock = new FakeClock();
    // Four connections, held since the start and never answered.
    const pacer = pacerWith((maxAgeMs) => (clock.now() <= maxAgeMs ? 4 : 0), clock);
    pacer.limit(4);
    pacer.released(1);
    pacer.holdAtCurrent(1);
    let started = false;
    pacer.enter(() => {
      started = true;
    });
    assert.equal(started, false);
    await clock.advance(50);
    assert.equal(started, false, 'held exactly 50 ms at the first look: not hung yet');
    await clock.advance(49);
    assert.equal(started, false);
    await clock.advance(1);
    assert.equal(started, true, 'at the next look, 50 ms on, they are hung and no longer count');
  });

  it('on a release, re-sends the oldest connect that was most likely dropped instead of starting another', () => {
    const pacer = pacerWith();
    pacer.limit(1);
    const resent: string[] = [];
    pacer.track(() => false);
    const forget = pacer.track(() => resent.push('older') > 0);
    pacer.track(() => resent.push('newer') > 0);
    pacer.enter(() => undefined);
    let started = false;
    pacer.enter(() => {
      started = true;
    });
    pacer.released(1);
    assert.deepEqual(resent, ['older']);
    forget();
    pacer.released(1);
    assert.deepEqual(resent, ['older', 'newer']);
    assert.equal(started, false, 'the cap of 1 is still taken');
  });

  it('forgets a connect withdrawn while it waited', () => {
    const pacer = pacerWith();
    pacer.enter(() => undefined);
    pacer.enter(() => undefined);
    pacer.dropped(0);
    assert.equal(pacer.cap, 1);
    let ran = false;
    const withdraw = pacer.enter(() => {
      ran = true;
    });
    withdraw();
    pacer.leave();
    pacer.leave();
    assert.equal(ran, false);
  });
});
