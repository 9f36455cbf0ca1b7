import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../time/fake-clock.test-helper.ts';
import { FlowPolicy } from './policy.ts';

const ok = { ok: true, text: '{}' } as const;

/** Connects the policy lets start when `count` are asked for at once. */
function connectsAllowed(policy: FlowPolicy, count: number): number {
  let started = 0;
  for (let i = 0; i < count; i++) policy.whenConnectAllowed(() => started++);
  return started;
}

/** One answered stats read that took `ms` on the fake clock. */
async function answerIn(policy: FlowPolicy, clock: FakeClock, ms: number): Promise<void> {
  const ticket = await policy.admit(undefined, true);
  await clock.advance(ms);
  policy.settle(ticket, ok);
}

describe('FlowPolicy', () => {
  it('starts the window at --concurrency and lets connects ramp up from 4 (slow start)', () => {
    const policy = new FlowPolicy({ concurrency: 64, clock: new FakeClock() });
    assert.deepEqual(policy.window, { max: 64, limit: 64, decreases: 0 });
    assert.equal(connectsAllowed(policy, 64), 4);
  });

  it('takes a provider whose first answer closes the connection for one that closes every one', () => {
    const policy = new FlowPolicy({ concurrency: 64, clock: new FakeClock() });
    policy.answered(false, 0, false);
    // No slow start for its connects (each request is one, and its backlog may be 5): a round
    // of 4 that got through raises the cap by one, not to 8.
    for (let i = 0; i < 4; i++) policy.connectCompleted();
    assert.equal(connectsAllowed(policy, 64), 5);
    // Its answers never stall on a kept connection: no readers beyond the width.
    policy.headAlone(2);
    assert.equal(policy.readers(64), 64);
  });

  it('adds a spare reader per 8 slots once answers stall, and never more later', () => {
    const policy = new FlowPolicy({ concurrency: 64, clock: new FakeClock() });
    policy.answered(false, 0, true);
    assert.equal(policy.readers(64), 64);
    assert.equal(policy.headAlone(2), true);
    assert.equal(policy.readers(64), 72);
    assert.equal(policy.readers(5), 13);
  });

  it('holds a quick closing provider, after a dropped connect, to the connections it holds', async () => {
    const clock = new FakeClock();
    const policy = new FlowPolicy({ concurrency: 64, clock });
    policy.answered(false, 0, false);
    await answerIn(policy, clock, 1);
    const connections = [{}, {}, {}, {}, {}, {}];
    for (const connection of connections) policy.carrying(connection);
    assert.equal(policy.connectionsHeld, 6);
    policy.connectDropped(clock.now());
    // Six held: a new connect waits until the provider lets go of one.
    let started = false;
    policy.whenConnectAllowed(() => {
      started = true;
    });
    assert.equal(started, false);
    policy.released(connections[0] as object, true);
    assert.equal(policy.connectionsHeld, 5);
    assert.equal(started, true);
  });

  it('leaves a slow closing provider free of the hold: a dropped connect only paces', async () => {
    const clock = new FakeClock();
    const policy = new FlowPolicy({ concurrency: 64, clock });
    policy.answered(false, 0, false);
    await answerIn(policy, clock, 50);
    for (let i = 0; i < 6; i++) policy.carrying({});
    let started = 0;
    for (let i = 0; i < 2; i++) policy.whenConnectAllowed(() => started++);
    policy.connectDropped(clock.now());
    assert.equal(started, 2);
    policy.connectEnded();
    policy.connectEnded();
    assert.equal(connectsAllowed(policy, 2), 1, 'the cap is halved from 2 under way to 1');
  });

  it('counts the connections a provider holds only while it is not known to keep them', () => {
    const policy = new FlowPolicy({ concurrency: 4, clock: new FakeClock() });
    const first = {};
    policy.carrying(first);
    policy.answered(false, 0, true);
    policy.idle(first);
    policy.carrying(first);
    policy.carrying({});
    assert.equal(policy.connectionsHeld, 0);
  });

  it('re-sends the oldest likely dropped connect when the provider lets go of a connection', () => {
    const policy = new FlowPolicy({ concurrency: 4, clock: new FakeClock() });
    const connection = {};
    policy.carrying(connection);
    const resent: string[] = [];
    policy.trackConnect(() => resent.push('older') > 0);
    policy.trackConnect(() => resent.push('newer') > 0);
    policy.released(connection, true);
    assert.deepEqual(resent, ['older']);
    policy.released(connection, true);
    assert.deepEqual(resent, ['older'], 'released once');
  });

  it('reports connects re-sent, and cuts the window on overload', async () => {
    const clock = new FakeClock();
    const policy = new FlowPolicy({ concurrency: 8, clock });
    policy.connectDropped(0);
    policy.connectDropped(0);
    const ticket = await policy.admit(undefined, true);
    policy.settle(ticket, {
      ok: false,
      kind: 'timeout',
      reason: 'timeout after 1s',
      status: null,
      retryable: true,
      retryAfterMs: null,
    });
    assert.equal(policy.resentConnects, 2);
    assert.deepEqual(policy.window, { max: 8, limit: 4, decreases: 1 });
  });
});
