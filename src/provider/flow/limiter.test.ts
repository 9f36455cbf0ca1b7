import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settle as tick } from '../../time/fake-clock.test-helper.ts';
import { Limiter } from './limiter.ts';

describe('Limiter', () => {
  it('holds requests beyond the limit and hands slots over in order', async () => {
    const limiter = new Limiter(2);
    const order: number[] = [];
    const all = [1, 2, 3, 4].map((n) => limiter.acquire().then(() => order.push(n)));
    await tick();
    assert.deepEqual(order, [1, 2]);
    limiter.release();
    await tick();
    assert.deepEqual(order, [1, 2, 3]);
    limiter.release();
    limiter.release();
    limiter.release();
    await Promise.all(all);
    assert.equal(limiter.active, 0);
  });

  it('a higher limit wakes waiters at once; a lower one takes effect as slots come back', async () => {
    const limiter = new Limiter(1);
    let started = 0;
    const all = Array.from({ length: 5 }, () => limiter.acquire().then(() => started++));
    await tick();
    assert.equal(started, 1);
    limiter.setLimit(4);
    await tick();
    assert.equal(started, 4);
    limiter.setLimit(2);
    limiter.release();
    limiter.release();
    await tick();
    assert.equal(started, 4, 'two back, but 2 still in flight = the new limit');
    assert.equal(limiter.active, 2);
    limiter.release();
    await tick();
    assert.equal(started, 5);
    await Promise.all(all);
  });

  it('a waiter that gives up is skipped and rejects with the reason', async () => {
    const limiter = new Limiter(1);
    await limiter.acquire();
    const controller = new AbortController();
    const gaveUp = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error('stop'));
    await assert.rejects(gaveUp, /stop/);
    limiter.release();
    await next;
    assert.equal(limiter.active, 1);
  });

  it('an abort rejects every waiter under its signal, and only those', async () => {
    const limiter = new Limiter(1);
    await limiter.acquire();
    const stopped = new AbortController();
    const other = new AbortController();
    const first = limiter.acquire(stopped.signal);
    const kept = limiter.acquire(other.signal);
    const second = limiter.acquire(stopped.signal);
    stopped.abort(new Error('stop'));
    await assert.rejects(first, /stop/);
    await assert.rejects(second, /stop/);
    limiter.release();
    await kept;
    assert.equal(limiter.active, 1);
  });

  it('stays O(1) per release with 100k waiters', async () => {
    const limiter = new Limiter(1);
    await limiter.acquire();
    const waiters = Array.from({ length: 100_000 }, () =>
      limiter.acquire().then(() => limiter.release()),
    );
    limiter.release();
    await Promise.all(waiters);
    assert.equal(limiter.active, 0);
  });
});
