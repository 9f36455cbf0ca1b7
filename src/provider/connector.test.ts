import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { FakeClock } from '../time/fake-clock.test-helper.ts';
import { createRetryingConnector, type OpenSocket } from './connector.ts';
import { FlowPolicy } from './flow/policy.ts';

/** One connect the fake network has under way. */
interface PendingConnect {
  readonly openedAt: number;
  destroyed: boolean;
  /** The network's answer to the connect: null when it got through. */
  finish(err: Error | null): void;
}

/** A connector on a fake clock over a fake network whose connects finish when a test says so. */
function setup(options: { timeoutMs?: number; minRetryMs?: number } = {}) {
  const clock = new FakeClock();
  const policy = new FlowPolicy({ concurrency: 64, clock });
  const opened: PendingConnect[] = [];
  const open: OpenSocket = (done) => {
    const pending: PendingConnect = {
      openedAt: clock.now(),
      destroyed: false,
      finish: (err) => done(err),
    };
    opened.push(pending);
    return {
      destroy: () => {
        pending.destroyed = true;
      },
    } as unknown as Socket;
  };
  const connect = createRetryingConnector({
    origin: new URL('http://127.0.0.1:9001'),
    timeoutMs: options.timeoutMs ?? 1000,
    policy,
    clock,
    open,
    ...(options.minRetryMs === undefined ? {} : { minRetryMs: options.minRetryMs }),
  });
  /** Starts a connect; its outcome lands in the returned record. */
  const start = () => {
    const outcome: { err?: Error | null; socket?: Socket | null; abandon: () => void } = {
      abandon: () => undefined,
    };
    outcome.abandon = connect((err, socket) => {
      outcome.err = err;
      outcome.socket = socket;
    });
    return outcome;
  };
  return { clock, policy, opened, start };
}

/** Makes the connect to come take `ms`: one that gets through at once, on the fake clock. */
async function learnConnectTime(run: ReturnType<typeof setup>, ms: number): Promise<void> {
  run.start();
  await run.clock.advance(ms);
  run.opened.at(-1)?.finish(null);
}

describe('createRetryingConnector', () => {
  it('hands over the socket of a connect that gets through, and a refused one as its error', () => {
    const run = setup();
    const through = run.start();
    run.opened[0]?.finish(null);
    assert.equal(through.err, null);
    assert.ok(through.socket);
    const refused = run.start();
    run.opened[1]?.finish(new Error('connect ECONNREFUSED'));
    assert.match(String(refused.err), /ECONNREFUSED/);
    assert.equal(refused.socket, null);
    assert.equal(run.opened[1]?.destroyed, true);
    assert.equal(run.policy.resentConnects, 0);
  });

  it('before any connect got through, re-sends a pending one after 200 ms, the wait doubling', async () => {
    const run = setup({ timeoutMs: 5000 });
    run.start();
    await run.clock.advance(199);
    assert.equal(run.opened.length, 1);
    await run.clock.advance(1);
    assert.deepEqual(
      run.opened.map((c) => [c.openedAt, c.destroyed]),
      [
        [0, true],
        [200, false],
      ],
    );
    await run.clock.advance(400);
    assert.deepEqual(
      run.opened.map((c) => c.openedAt),
      [0, 200, 600],
    );
    assert.equal(run.policy.resentConnects, 2);
  });

  it('once connects are known to take 1 ms, re-sends one pending for 4 ms', async () => {
    const run = setup();
    await learnConnectTime(run, 1);
    run.start();
    await run.clock.advance(3);
    assert.equal(run.opened.length, 2);
    await run.clock.advance(1);
    assert.equal(run.opened.length, 3, 're-sent at 4 × the usual connect time');
    run.opened[2]?.finish(null);
    assert.equal(run.policy.resentConnects, 1);
  });

  it('never re-sends sooner than the floor, however quick connects usually are', async () => {
    const run = setup({ minRetryMs: 2 });
    await learnConnectTime(run, 0.1);
    run.start();
    await run.clock.advance(1.9);
    assert.equal(run.opened.length, 2);
    await run.clock.advance(0.1);
    assert.equal(run.opened.length, 3);
  });

  it('gives the last try the time left, then fails as a connect timeout', async () => {
    const run = setup({ timeoutMs: 1000 });
    const outcome = run.start();
    // Tries at 0 and 200 ms; a third at 600 would leave less than its own wait, so the second
    // is the last and runs to the deadline.
    await run.clock.advance(999);
    assert.equal(run.opened.length, 2);
    assert.equal(outcome.err, undefined);
    await run.clock.advance(1);
    assert.equal((outcome.err as Error | undefined)?.message, 'connect timed out after 1s');
    assert.equal(run.opened[1]?.destroyed, true);
  });

  it('does not give up a connect that got through in the same turn as its timer', async () => {
    const run = setup();
    const outcome = run.start();
    run.clock.fireNext();
    // The connect's I/O is handled before the immediates of the turn, where the decision waits.
    run.opened[0]?.finish(null);
    run.clock.runImmediates();
    assert.equal(outcome.err, null);
    assert.equal(run.opened.length, 1);
    assert.equal(run.policy.resentConnects, 0);
  });

  it('waits longer before re-sending once the listen queue stayed full for a while', async () => {
    const run = setup();
    await learnConnectTime(run, 1);
    // Re-sent after 4 ms, then 8 ms: it got through after a wait of 16.
    run.start();
    await run.clock.advance(12);
    assert.equal(run.opened.length, 4);
    run.opened[3]?.finish(null);
    // The next connect waits half that, 8 ms, before its first re-send, instead of 4.
    run.start();
    await run.clock.advance(7);
    assert.equal(run.opened.length, 5);
    await run.clock.advance(1);
    assert.equal(run.opened.length, 6);
  });

  it('re-sends at once a connect that has waited 4× the usual time when the provider lets go of a connection', async () => {
    const run = setup({ minRetryMs: 2 });
    await learnConnectTime(run, 0.25);
    const held = {};
    run.policy.carrying(held);
    run.start();
    await run.clock.advance(1);
    assert.equal(run.opened.length, 2, 'its timer waits the 2 ms floor');
    run.policy.released(held, true);
    run.clock.runImmediates();
    assert.equal(run.opened.length, 3);
    assert.equal(run.opened[1]?.destroyed, true);
    assert.equal(run.policy.resentConnects, 1);
  });

  it('abandoning a connect under way destroys it and lets a waiting one start', () => {
    const run = setup();
    // The pacer lets 4 connects run at first; the fifth waits for one of them.
    const outcomes = Array.from({ length: 5 }, () => run.start());
    assert.equal(run.opened.length, 4);
    outcomes[0]?.abandon();
    assert.equal(run.opened[0]?.destroyed, true);
    assert.equal(run.opened.length, 5);
    outcomes[0]?.abandon();
    assert.equal(run.opened.length, 5, 'abandoned once');
  });

  it('abandoning a connect still waiting for its turn withdraws it', () => {
    const run = setup();
    const outcomes = Array.from({ length: 5 }, () => run.start());
    outcomes[4]?.abandon();
    run.opened[0]?.finish(null);
    assert.equal(run.opened.length, 4);
  });
});
