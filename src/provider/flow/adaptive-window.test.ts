import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdaptiveWindow, type LoadSignal } from './adaptive-window.ts';

/** One answer: its latency in ms and what it says about load. */
type Step = readonly [latencyMs: number, signal?: LoadSignal];

/**
 * Drives the controller like a closed loop: keeps `limit` requests in flight and answers
 * them in order with the given latencies; returns the limit after each answer.
 */
function drive(controller: AdaptiveWindow, steps: readonly Step[]): number[] {
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

describe('AdaptiveWindow', () => {
  const cases: ReadonlyArray<{
    name: string;
    max: number;
    steps: Step[];
    limit: number;
    decreases: number;
  }> = [
    {
      name: 'stays at --concurrency while latency stays flat',
      max: 3,
      steps: repeat(50, [1]),
      limit: 3,
      decreases: 0,
    },
    {
      name: 'one overload (e.g. a timeout) halves the window',
      max: 8,
      steps: [...repeat(8, [1]), [1, 'overload']],
      limit: 4,
      decreases: 1,
    },
    {
      name: 'a burst of overloads in flight together cuts once, not once each',
      max: 8,
      steps: [...repeat(4, [1]), ...repeat(8, [1, 'overload'])],
      limit: 4,
      decreases: 1,
    },
    {
      name: 'a round of inflated latencies (a queueing provider) cuts the window to 3/4',
      max: 32,
      steps: [...repeat(32, [1]), ...repeat(32, [30])],
      limit: 24,
      decreases: 1,
    },
    {
      name: 'a lone slow answer among fast ones is noise, not congestion',
      max: 64,
      steps: [...repeat(20, [1]), [500], ...repeat(100, [1])],
      limit: 64,
      decreases: 0,
    },
    {
      name: 'a provider collapsing (SYN retransmits: 1 s answers) is shrunk to 1',
      max: 64,
      steps: [...repeat(64, [1]), ...repeat(600, [1000])],
      limit: 1,
      decreases: 12,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const controller = new AdaptiveWindow({ max: c.max });
      drive(controller, c.steps);
      assert.equal(controller.limit, c.limit);
      assert.equal(controller.decreases, c.decreases);
    });
  }

  it('after a cut it probes upward by one per round trip (additive increase)', () => {
    const controller = new AdaptiveWindow({ max: 8 });
    drive(controller, [[1], [1, 'overload']]);
    assert.equal(controller.limit, 4);
    const limits = drive(controller, repeat(4 + 5 + 6, [1]));
    // 4 answers at window 4 add one, 5 at window 5 add one, 6 at window 6 add one.
    assert.deepEqual([limits[3], limits[8], limits[14]], [5, 6, 7]);
  });

  it('starts at --concurrency and never goes below 1', () => {
    assert.equal(new AdaptiveWindow({ max: 64 }).limit, 64);
    assert.equal(new AdaptiveWindow({ max: 0 }).limit, 1);
    const controller = new AdaptiveWindow({ max: 2 });
    drive(controller, repeat(20, [1, 'overload']));
    assert.equal(controller.limit, 1);
  });

  it('re-learns the baseline when the provider becomes slower for good', () => {
    const controller = new AdaptiveWindow({ max: 64, baselineWindow: 50 });
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
