import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { every, settlesWithin, sleepUnlessAborted } from './clock.ts';
import { FakeClock } from './fake-clock.test-helper.ts';

describe('FakeClock', () => {
  it('fires timers in order of due time, then of setting, those set on the way included', async () => {
    const clock = new FakeClock({ start: 100, wallStart: Date.UTC(2026, 0, 1) });
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => {
      fired.push(`a@${clock.now()}`);
      clock.setTimeout(() => fired.push(`c@${clock.now()}`), 10);
    }, 10);
    clock.setTimeout(() => fired.push(`b2@${clock.now()}`), 20);
    const cancelled = clock.setTimeout(() => fired.push('never'), 5);
    clock.clearTimeout(cancelled);
    assert.deepEqual(clock.pending(), [10, 20, 20]);
    await clock.advance(25);
    assert.deepEqual(fired, ['a@110', 'b@120', 'b2@120', 'c@120']);
    assert.equal(clock.now(), 125);
    assert.equal(clock.wallNow(), Date.UTC(2026, 0, 1) + 25);
    assert.deepEqual(clock.pending(), []);
  });

  it('lets a promise chain started by a timer run before time moves on', async () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    const chain = async () => {
      await clock.sleep(10);
      await Promise.resolve();
      seen.push(clock.now());
      await clock.sleep(10);
      seen.push(clock.now());
    };
    const done = chain();
    await clock.advance(30);
    await done;
    assert.deepEqual(seen, [10, 20]);
  });

  it('runs immediates only when told, or around the timers of an advance', async () => {
    const clock = new FakeClock();
    let ran = 0;
    clock.setImmediate(() => ran++);
    assert.equal(ran, 0);
    clock.runImmediates();
    assert.equal(ran, 1);
    clock.setImmediate(() => ran++);
    await clock.advance(0);
    assert.equal(ran, 2);
  });

  it('skips sleeps when asked, moving time by their length and recording them', async () => {
    const clock = new FakeClock({ sleeps: 'skip' });
    await clock.sleep(250);
    await clock.sleep(0);
    assert.equal(clock.now(), 250);
    assert.deepEqual(clock.slept, [250, 0]);
  });
});

describe('sleep and sleepUnlessAborted', () => {
  it('ends at its time, or at once with the abort, leaving no timer behind', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const slept = clock.sleep(1000, controller.signal);
    assert.deepEqual(clock.pending(), [1000]);
    controller.abort(new Error('stop'));
    await assert.rejects(slept, /stop/);
    assert.deepEqual(clock.pending(), []);
    const aborted = AbortSignal.abort();
    assert.equal(await sleepUnlessAborted(clock, 10, aborted), false);
    const whole = sleepUnlessAborted(clock, 10);
    await clock.advance(10);
    assert.equal(await whole, true);
  });
});

describe('every', () => {
  it('calls back once per interval, each timed from the one before, until stopped', async () => {
    const clock = new FakeClock();
    const at: number[] = [];
    const stop = every(clock, 100, () => {
      at.push(clock.now());
      if (at.length === 3) stop();
    });
    await clock.advance(1000);
    assert.deepEqual(at, [100, 200, 300]);
    assert.deepEqual(clock.pending(), []);
  });
});

describe('settlesWithin', () => {
  it('says whether the work settled in time, passes its failure on, and leaves no timer', async () => {
    const clock = new FakeClock();
    assert.equal(await settlesWithin(clock, 1000, Promise.resolve()), true);
    assert.deepEqual(clock.pending(), []);
    await assert.rejects(
      settlesWithin(clock, 1000, Promise.reject(new Error('refused'))),
      /refused/,
    );
    const hung = settlesWithin(clock, 1000, new Promise(() => {}));
    await clock.advance(1000);
    assert.equal(await hung, false);
    assert.deepEqual(clock.pending(), []);
  });
});
