import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdaptiveConcurrency, type LoadSignal } from './adaptive-concurrency.ts';

/** One answer: its latency in ms and what it says about load. */
type Step = readonly [latencyMs: number, signal?: LoadSignal];

/**
 * Drives the controller like a closed loop: keeps `limit` requests in flight and answers
 * them in order with the given latencies; returns the limit after each answer.
 */
function drive(controller: AdaptiveConcurrency, steps: readonly Step[]): number[] {
  const inFlight: number[] = [];
  const limits: number[] = [];
  for (const [latency, signal = 'answered'] of steps) {
    while (inFlight.length < controller.limit) inFlight.push(controller.start());
    const ticket = inFlight.shift() as number;
    controller.finish(ticket, latency, signal);
    limits.push(controller.limit);
  }
  return limits;
}

const repeat = (n: number, step: Step): Step[] => Array.from({ length: n }, () => step);

describe('AdaptiveConcurrency', () => {
  const cases: ReadonlyArray<{
    name: string;
    max: number;
    initial?: number;
    steps: Step[];
    limit: number;
    decreases: number;
    slowStart: boolean;
  }> = [
    {
      name: 'slow start grows to max while latency stays flat',
      max: 64,
      initial: 4,
      steps: repeat(200, [50]),
      limit: 64,
      decreases: 0,
      slowStart: true,
    },
    {
      name: 'never exceeds a small --concurrency',
      max: 3,
      initial: 1,
      steps: repeat(50, [1]),
      limit: 3,
      decreases: 0,
      slowStart: true,
    },
    {
      name: 'one overload (e.g. a timeout) halves the window and ends slow start',
      max: 64,
      initial: 4,
      steps: [...repeat(8, [1]), [1, 'overload']],
      limit: 6,
      decreases: 1,
      slowStart: false,
    },
    {
      name: 'a burst of overloads in flight together cuts once, not once each',
      max: 64,
      initial: 4,
      steps: [...repeat(4, [1]), ...repeat(8, [1, 'overload'])],
      limit: 4,
      decreases: 1,
      slowStart: false,
    },
    {
      name: 'a round of inflated latencies (a queueing provider) cuts the window to 3/4',
      max: 64,
      initial: 16,
      steps: [...repeat(16, [1]), ...repeat(64, [30])],
      limit: 24,
      decreases: 1,
      slowStart: false,
    },
    {
      name: 'a lone slow answer among fast ones is noise, not congestion',
      max: 64,
      initial: 4,
      steps: [...repeat(20, [1]), [500], ...repeat(100, [1])],
      limit: 64,
      decreases: 0,
      slowStart: true,
    },
    {
      name: 'a provider collapsing (SYN retransmits: 1 s answers) is shrunk to 1',
      max: 64,
      initial: 16,
      steps: [...repeat(4, [1]), ...repeat(400, [1000])],
      limit: 1,
      decreases: 8,
      slowStart: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const controller = new AdaptiveConcurrency({ max: c.max, initial: c.initial ?? c.max });
      drive(controller, c.steps);
      assert.equal(controller.limit, c.limit);
      assert.equal(controller.decreases, c.decreases);
      assert.equal(controller.inSlowStart, c.slowStart);
    });
  }

  it('after a cut it probes upward by one per round trip (additive increase)', () => {
    const controller = new AdaptiveConcurrency({ max: 64, initial: 8 });
    drive(controller, [[1], [1, 'overload']]);
    assert.equal(controller.limit, 4);
    const limits = drive(controller, repeat(4 + 5 + 6, [1]));
    // 4 answers at window 4 add one, 5 at window 5 add one, 6 at window 6 add one.
    assert.deepEqual([limits[3], limits[8], limits[14]], [5, 6, 7]);
  });

  it('starts at --concurrency and never goes below 1', () => {
    assert.equal(new AdaptiveConcurrency({ max: 64 }).limit, 64);
    assert.equal(new AdaptiveConcurrency({ max: 5, initial: 9 }).limit, 5);
    const controller = new AdaptiveConcurrency({ max: 2, initial: 1 });
    drive(controller, repeat(20, [1, 'overload']));
    assert.equal(controller.limit, 1);
  });

  it('leaves slow start without a cut once a round is slower than the last (a provider that queues)', () => {
    // A serial provider: every request ahead in the queue adds 0.5 ms to an answer.
    const controller = new AdaptiveConcurrency({ max: 64, initial: 4 });
    const inFlight: number[] = [];
    let answers = 0;
    while (controller.inSlowStart && answers < 100) {
      while (inFlight.length < controller.limit) inFlight.push(controller.start());
      controller.finish(inFlight.shift() as number, 0.5 * inFlight.length + 0.5, 'answered');
      answers += 1;
    }
    // Two rounds (4, then 5 answers... then 10): out at 19, where answers take ~9 ms, before
    // they reach 2× the 2 ms baseline + 5 ms and before the window doubles once more.
    assert.deepEqual([controller.inSlowStart, controller.decreases, answers], [false, 0, 15]);
    assert.equal(controller.limit, 19);
  });

  it('stays in slow start while answers keep their latency (a provider with capacity to spare)', () => {
    const controller = new AdaptiveConcurrency({ max: 64, initial: 4 });
    const limits = drive(controller, repeat(60, [50.2]));
    assert.equal(controller.inSlowStart, true);
    assert.deepEqual([limits[3], limits.at(-1)], [8, 64]);
  });

  it('re-learns the baseline when the provider becomes slower for good', () => {
    const controller = new AdaptiveConcurrency({ max: 64, initial: 4, baselineWindow: 50 });
    drive(controller, repeat(60, [1]));
    assert.equal(controller.baselineMs, 1);
    drive(controller, repeat(200, [40]));
    assert.equal(controller.baselineMs, 40);
    const before = controller.decreases;
    const limits = drive(controller, repeat(200, [40]));
    assert.equal(controller.decreases, before);
    assert.ok((limits.at(-1) ?? 0) > (limits[0] ?? 0), 'grows again once 40 ms is the norm');
  });
});
