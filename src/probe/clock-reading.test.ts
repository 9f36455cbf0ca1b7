import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type ClockReadingContext, readClock } from './clock-reading.ts';
import type { ExchangeAnswer } from './http-exchange.ts';
import { DATE_LAG_MS } from './offset-interval.ts';
import type { ClockSpec } from './probe-spec.ts';

// readClock against a simulated server on a fake clock: no sockets, no sleeping. The server's
// clock reads ours plus `offset`; `up` is the time from sending until it reads its clock, `down`
// the time from then until its answer has arrived.

interface Simulation {
  readonly offset: number;
  /** ms of offset gained per ms of our clock (a clock running fast or slow). */
  readonly drift?: number;
  readonly up: () => number;
  readonly down: () => number;
  /** What the answer carries, from the server's clock reading. */
  readonly answer?: (serverMs: number) => { headers: Record<string, string>; body?: string };
  readonly spec?: Partial<ClockSpec>;
  readonly timeoutMs?: number;
  readonly tls?: boolean;
  /** An earlier reading of the offset (right or wrong). */
  readonly prior?: { lo: number; hi: number };
}

const dateOnly = (serverMs: number) => ({
  headers: { date: new Date(Math.floor(serverMs)).toUTCString() },
});
const withBody = (serverMs: number) => ({
  headers: {
    date: new Date(Math.floor(serverMs)).toUTCString(),
    'content-type': 'application/json',
  },
  body: JSON.stringify({ epochMs: serverMs }),
});

async function simulate(sim: Simulation) {
  let now = 1_767_225_600_000 + 0.123;
  const start = now;
  let requests = 0;
  const exchange = (): ExchangeAnswer => {
    requests++;
    const sentAt = now;
    const readsAt = sentAt + sim.up();
    const arrives = readsAt + sim.down();
    const offset = sim.offset + (sim.drift ?? 0) * (readsAt - start);
    const carried: { headers: Record<string, string>; body?: string } = (sim.answer ?? dateOnly)(
      readsAt + offset,
    );
    now = arrives;
    return {
      kind: 'answer',
      status: 200,
      headers: carried.headers,
      body: Buffer.from(carried.body ?? ''),
      startedAt: sentAt,
      sentAt,
      headersAt: arrives,
      endAt: arrives,
      reused: requests > 1,
      keepAlive: true,
    };
  };
  const ctx: ClockReadingContext = {
    spec: { maxSkewMs: undefined, source: 'auto', requests: 6, ...sim.spec },
    first: exchange(),
    tls: sim.tls ?? false,
    again: async () => exchange(),
    now: () => now,
    sleep: async (ms) => {
      now += ms;
      return true;
    },
    deadline: start + (sim.timeoutMs ?? 5000),
    resolutionMs: 0,
    prior: sim.prior,
  };
  const outcome = await readClock(ctx);
  return {
    outcome,
    requests,
    elapsed: now - start,
    offsetAt: (t: number) => sim.offset + (sim.drift ?? 0) * (t - start),
    start,
    end: now,
  };
}

const jitter = (max: number) => () => Math.random() * max;
const fixed = (ms: number) => () => ms;

describe('readClock from the Date header (htpdate)', () => {
  it('narrows to ≤ 100 ms within 6 requests on a fast path, and holds the truth', async () => {
    for (const offset of [0, 900, -900, 1100, -1100, 123_456.7]) {
      const { outcome, requests } = await simulate({ offset, up: fixed(0.5), down: fixed(0.5) });
      assert.equal(outcome.kind, 'reading');
      if (outcome.kind !== 'reading') return;
      assert.equal(outcome.source, 'date');
      assert.ok(outcome.interval.lo <= offset && offset <= outcome.interval.hi, `${offset}`);
      assert.ok((outcome.interval.hi - outcome.interval.lo) / 2 <= 100, JSON.stringify(outcome));
      assert.ok(requests <= 6);
    }
  });

  it('holds the truth for any offset and any delays, and for Date texts up to the lag late', () => {
    return fc.assert(
      fc.asyncProperty(
        fc.double({ min: -5000, max: 5000, noNaN: true }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 200 }),
        fc.double({ min: 0, max: DATE_LAG_MS - 0.001, noNaN: true }),
        async (offset, upMax, downMax, lag) => {
          const { outcome } = await simulate({
            offset,
            up: jitter(upMax),
            down: jitter(downMax),
            answer: (serverMs) => dateOnly(serverMs - lag),
            spec: { maxSkewMs: 1000 },
            timeoutMs: 10_000,
          });
          assert.equal(outcome.kind, 'reading');
          if (outcome.kind === 'reading') {
            assert.ok(outcome.interval.lo <= offset && offset <= outcome.interval.hi);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('holds the offset of every instant of the reading while a clock slews at 500 ppm', () => {
    return fc.assert(
      fc.asyncProperty(
        fc.double({ min: -3000, max: 3000, noNaN: true }),
        fc.constantFrom(-5e-4, 5e-4),
        fc.integer({ min: 0, max: 100 }),
        fc.constantFrom<Simulation['answer']>(dateOnly, withBody),
        async (offset, drift, delay, answer) => {
          const run = await simulate({
            offset,
            drift,
            up: jitter(delay),
            down: jitter(delay),
            answer,
            timeoutMs: 10_000,
          });
          assert.equal(run.outcome.kind, 'reading');
          if (run.outcome.kind !== 'reading') return;
          for (const t of [run.start, run.end]) {
            const truth = run.offsetAt(t);
            assert.ok(run.outcome.interval.lo <= truth && truth <= run.outcome.interval.hi);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('with an earlier reading to plan from, needs fewer requests for a tighter reading', async () => {
    const fresh = await simulate({
      offset: 333.3,
      up: fixed(2),
      down: fixed(2),
      timeoutMs: 10_000,
    });
    const planned = await simulate({
      offset: 333.3,
      up: fixed(2),
      down: fixed(2),
      timeoutMs: 10_000,
      prior: { lo: 320, hi: 345 },
    });
    assert.ok(fresh.outcome.kind === 'reading' && planned.outcome.kind === 'reading');
    if (fresh.outcome.kind !== 'reading' || planned.outcome.kind !== 'reading') return;
    assert.ok(planned.requests <= 3, `${planned.requests} requests`);
    assert.ok(planned.requests < fresh.requests);
    const width = (i: { lo: number; hi: number }) => i.hi - i.lo;
    assert.ok(width(planned.outcome.interval) < width(fresh.outcome.interval));
  });

  it('holds the truth whatever the earlier reading said (a clock stepped since)', () => {
    return fc.assert(
      fc.asyncProperty(
        fc.double({ min: -3000, max: 3000, noNaN: true }),
        fc.double({ min: -3000, max: 3000, noNaN: true }),
        fc.double({ min: 0, max: 200, noNaN: true }),
        fc.integer({ min: 0, max: 50 }),
        async (offset, priorMid, priorHalf, delay) => {
          const { outcome } = await simulate({
            offset,
            up: jitter(delay),
            down: jitter(delay),
            timeoutMs: 10_000,
            prior: { lo: priorMid - priorHalf, hi: priorMid + priorHalf },
          });
          assert.equal(outcome.kind, 'reading');
          if (outcome.kind === 'reading') {
            assert.ok(outcome.interval.lo <= offset && offset <= outcome.interval.hi);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('goes on past 100 ms while the reading straddles the limit, up to the budget', async () => {
    const { outcome, requests } = await simulate({
      offset: 1000.5,
      up: fixed(40),
      down: fixed(40),
      spec: { maxSkewMs: 1000 },
      timeoutMs: 30_000,
    });
    assert.equal(requests, 6);
    assert.equal(outcome.kind, 'reading');
  });

  it('stops when the next request could not end before the deadline', async () => {
    const { outcome, elapsed } = await simulate({
      offset: 0,
      up: fixed(1),
      down: fixed(1),
      timeoutMs: 600,
    });
    assert.equal(outcome.kind, 'reading');
    assert.ok(elapsed <= 600, `${elapsed}`);
  });

  it('skips answers from a cache (Age) and reads the next', async () => {
    let n = 0;
    const { outcome, requests } = await simulate({
      offset: 50,
      up: fixed(1),
      down: fixed(1),
      answer: (serverMs) => ({
        headers: { ...dateOnly(serverMs).headers, ...(n++ === 0 ? { age: '30' } : {}) },
      }),
    });
    assert.equal(outcome.kind, 'reading');
    assert.ok(requests >= 2);
  });

  const failures: [string, Simulation['answer'], string, RegExp][] = [
    ['no Date header', () => ({ headers: {} }), 'no_date', /no Date header/],
    [
      'a Date that does not parse',
      () => ({ headers: { date: 'yesterday' } }),
      'bad_date',
      /"yesterday" is not an HTTP date/,
    ],
    [
      'every answer cached',
      (ms) => ({ headers: { ...dateOnly(ms).headers, age: '12' } }),
      'cached',
      /Age: 12/,
    ],
    [
      'Dates that contradict each other',
      (() => {
        let n = 0;
        return (ms: number) => dateOnly(ms + (n++ === 0 ? 0 : 5000));
      })(),
      'bad_date',
      /contradict/,
    ],
  ];
  for (const [name, answer, failure, reason] of failures) {
    it(`${name}: no reading, ${failure}`, async () => {
      const { outcome } = await simulate({ offset: 0, up: fixed(1), down: fixed(1), answer });
      assert.equal(outcome.kind, 'none');
      if (outcome.kind === 'none') {
        assert.equal(outcome.failure, failure);
        assert.match(outcome.reason, reason);
      }
    });
  }
});

describe('readClock from a body timestamp (NTP-style)', () => {
  it('reads once, within round trip / 2 plus the stamp precision', () => {
    return fc.assert(
      fc.asyncProperty(
        fc.double({ min: -5000, max: 5000, noNaN: true }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 200 }),
        async (offset, up, down) => {
          const { outcome, requests } = await simulate({
            offset,
            up: fixed(up),
            down: fixed(down),
            answer: withBody,
          });
          assert.equal(requests, 1);
          assert.equal(outcome.kind, 'reading');
          if (outcome.kind !== 'reading') return;
          assert.equal(outcome.source, 'body');
          assert.ok(outcome.interval.lo <= offset && offset <= outcome.interval.hi);
          assert.ok((outcome.interval.hi - outcome.interval.lo) / 2 <= 10 + (up + down) / 2);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('over a new TLS connection, reads once more over the open one', async () => {
    const { requests } = await simulate({
      offset: 10,
      up: fixed(5),
      down: fixed(5),
      answer: withBody,
      tls: true,
    });
    assert.equal(requests, 2);
  });

  const cases: [string, ClockSpec['source'], Simulation['answer'], string, string | RegExp][] = [
    [
      'garbage where the body names a time',
      'auto',
      () => ({ headers: { 'content-type': 'application/json' }, body: '{"now":"soon"}' }),
      'bad_timestamp',
      /\$\.now: "soon" is not/,
    ],
    [
      'body source, no time in the body',
      'body',
      dateOnly,
      'bad_timestamp',
      'no time in the body (ISO 8601 or epoch, finer than a second)',
    ],
    [
      'body source, whole seconds only',
      'body',
      (ms) => ({ headers: {}, body: JSON.stringify({ unixtime: Math.floor(ms / 1000) }) }),
      'bad_timestamp',
      /whole seconds only/,
    ],
  ];
  for (const [name, source, answer, failure, reason] of cases) {
    it(name, async () => {
      const { outcome } = await simulate({
        offset: 0,
        up: fixed(1),
        down: fixed(1),
        answer,
        spec: { source },
      });
      assert.equal(outcome.kind, 'none');
      if (outcome.kind === 'none') {
        assert.equal(outcome.failure, failure);
        if (typeof reason === 'string') assert.equal(outcome.reason, reason);
        else assert.match(outcome.reason, reason);
      }
    });
  }

  it('auto: a time to the second only in the body falls back to the Date header', async () => {
    const { outcome } = await simulate({
      offset: 0,
      up: fixed(1),
      down: fixed(1),
      answer: (ms) => ({
        ...dateOnly(ms),
        body: JSON.stringify({ unixtime: Math.floor(ms / 1000) }),
      }),
    });
    assert.equal(outcome.kind === 'reading' && outcome.source, 'date');
  });

  it('date source ignores a body timestamp', async () => {
    const { outcome } = await simulate({
      offset: 0,
      up: fixed(1),
      down: fixed(1),
      answer: withBody,
      spec: { source: 'date' },
    });
    assert.equal(outcome.kind === 'reading' && outcome.source, 'date');
  });
});
