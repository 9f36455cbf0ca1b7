import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { describe, it } from 'node:test';
import { type GetResult, httpGet } from '../../test/helpers/http-get.ts';
import { FakeClock, until } from '../time/fake-clock.test-helper.ts';
import {
  createFaultPlan,
  type Fault,
  MALFORMED_BODIES,
  NO_FAULTS,
  validateRates,
} from './faults.ts';
import { mulberry32 } from './random.ts';
import { startMock } from './server.ts';

const VALID = /^\{"cpu":"(\d{1,3})%","memory":"(\d{1,3})%","service":"[A-Za-z]+"\}$/;
const WORKERS = 50;
const rates = { errorRate: 0.1, malformedRate: 0.1, hangRate: 0.05, dropRate: 0.05 };
const plan = { ...NO_FAULTS, ...rates };

describe('createFaultPlan', () => {
  it('honours the rates and repeats itself for the same seed', () => {
    const draw = () => {
      const draws = createFaultPlan(plan, mulberry32(9));
      return Array.from({ length: 20_000 }, draws);
    };
    const faults = draw();
    assert.deepEqual(faults, draw());
    const share = (kind: Fault) => faults.filter((f) => f === kind).length / faults.length;
    assert.ok(Math.abs(share('error') - 0.1) < 0.01);
    assert.ok(Math.abs(share('malformed') - 0.1) < 0.01);
    assert.ok(Math.abs(share('hang') - 0.05) < 0.01);
    assert.ok(Math.abs(share('drop') - 0.05) < 0.01);
  });

  it('never faults when every rate is 0, and always when they sum to 1', () => {
    const none = createFaultPlan(NO_FAULTS, mulberry32(1));
    assert.ok(Array.from({ length: 1000 }, none).every((f) => f === 'none'));
    const all = createFaultPlan(
      { ...NO_FAULTS, errorRate: 0.5, malformedRate: 0.5 },
      mulberry32(1),
    );
    assert.ok(Array.from({ length: 1000 }, all).every((f) => f !== 'none'));
  });

  it('rejects rates outside 0..1', () => {
    assert.throws(() => validateRates({ ...plan, dropRate: -0.1 }), /dropRate/);
    assert.throws(() => validateRates({ ...plan, hangRate: Number.NaN }), /hangRate/);
    assert.throws(() => validateRates({ ...plan, errorRate: 0.9 }), /add up to/);
  });

  it('offers every kind of malformed body, none of them a valid stats body', () => {
    assert.equal(MALFORMED_BODIES.length, 10);
    for (const bad of MALFORMED_BODIES) assert.doesNotMatch(bad.body, VALID);
  });
});

/** Sorts one response into the fault it shows, from the client's point of view. */
function classify(result: GetResult | 'hung'): Fault {
  if (result === 'hung') return 'hang';
  if (result.kind === 'timeout') throw new Error('an answer the mock did not hang timed out');
  if (result.kind === 'reset') return 'drop';
  if (result.status === 500) return 'error';
  const valid = VALID.exec(result.body);
  if (result.status === 200 && valid && Number(valid[1]) <= 100 && Number(valid[2]) <= 100)
    return 'none';
  return 'malformed';
}

describe('fault injection over HTTP', () => {
  for (const http10 of [false, true]) {
    it(`roughly honours the rates over 2000 stats requests (${http10 ? 'HTTP/1.0' : 'HTTP/1.1'})`, async () => {
      // A hang shows as no answer, which only the mock can tell from a slow one: it says which
      // requests it hangs, and each worker asks for instances no other worker asks for.
      const hangs = new Map<string, () => void>();
      const m = await startMock({
        host: '127.0.0.1',
        http10,
        faultSeed: 1234,
        ...rates,
        onRequest: ({ target, fault }) => {
          if (fault === 'hang') hangs.get(target)?.();
        },
      });
      const agent = new Agent({ keepAlive: !http10 });
      const hung: Promise<GetResult>[] = [];
      try {
        const ips = m.fleet.ips;
        const counts: Record<Fault, number> = {
          none: 0,
          error: 0,
          malformed: 0,
          hang: 0,
          drop: 0,
          throttle: 0,
          cut: 0,
          trickle: 0,
          flood: 0,
          vanish: 0,
        };
        const lists = await Promise.all(
          Array.from({ length: WORKERS }, () => httpGet(`${m.url}/servers`, { agent })),
        );
        for (const list of lists)
          assert.equal(list.kind === 'answer' && list.status, 200, '/servers must never fault');
        let next = 0;
        const worker = async (w: number) => {
          for (let turn = 0; next < 2000; turn++) {
            next++;
            const target = `/${ips[(w + turn * WORKERS) % ips.length]}`;
            const { promise: hang, resolve } = Promise.withResolvers<'hung'>();
            hangs.set(target, () => resolve('hung'));
            const answer = httpGet(`${m.url}${target}`, { agent, timeoutMs: 60_000 });
            const result = await Promise.race([answer, hang]);
            hangs.delete(target);
            if (result === 'hung') hung.push(answer);
            counts[classify(result)]++;
          }
        };
        await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
        for (const [kind, rate] of Object.entries(rates)) {
          const fault = kind.replace('Rate', '') as Fault;
          const share = counts[fault] / 2000;
          assert.ok(Math.abs(share - rate) < rate * 0.4, `${fault}: ${share} vs ${rate}`);
        }
        assert.equal(m.stats.requests, 2000 + WORKERS);
        assert.equal(m.stats.faults, 2000 - counts.none);
        await m.close();
        // What the mock hung got no answer before close() cut it.
        for (const result of await Promise.all(hung)) assert.equal(result.kind, 'reset');
      } finally {
        agent.destroy();
        await m.close();
      }
    });
  }
});

describe('the slower and bigger faults over HTTP', () => {
  for (const http10 of [false, true]) {
    const transport = http10 ? 'HTTP/1.0' : 'HTTP/1.1';
    it(`throttles with Retry-After, trickles, floods and cuts (${transport})`, async () => {
      const ip = async (options: Parameters<typeof startMock>[0]) => {
        const m = await startMock({ host: '127.0.0.1', instances: 2, http10, ...options });
        return { m, url: `${m.url}/${m.fleet.ips[0]}` };
      };
      const throttled = await ip({ throttleRate: 1, retryAfterSeconds: 3 });
      const answer = await httpGet(throttled.url);
      assert.ok(answer.kind === 'answer');
      assert.equal(answer.status, 429);
      assert.equal(answer.headers['retry-after'], '3');
      await throttled.m.close();

      const clock = new FakeClock();
      const trickled = await ip({ trickleRate: 1, trickleIntervalMs: 2, clock });
      const pending = httpGet(trickled.url);
      await until(() => clock.pending().length > 0, 'the first byte');
      // One byte at once, then one each 2 ms, then the end: no byte comes sooner.
      let ticks = 0;
      while (clock.pending().length > 0) {
        assert.deepEqual(clock.pending(), [2]);
        clock.fireNext();
        ticks++;
      }
      const slow = await pending;
      assert.ok(slow.kind === 'answer' && VALID.test(slow.body), JSON.stringify(slow));
      assert.equal(ticks, slow.body.length);
      assert.equal(clock.now(), slow.body.length * 2);
      await trickled.m.close();

      const flooded = await ip({ floodRate: 1, floodBytes: 300_000 });
      const big = await httpGet(flooded.url);
      assert.ok(big.kind === 'answer');
      assert.equal(big.body.length, 300_000);
      assert.match(JSON.parse(big.body).service, /^[A-Za-z]+$/);
      await flooded.m.close();

      const cut = await ip({ cutRate: 1 });
      const short = await httpGet(cut.url);
      assert.ok(short.kind === 'reset' || (short.kind === 'answer' && !VALID.test(short.body)));
      await cut.m.close();

      const vanished = await ip({ vanishRate: 1 });
      const gone = await httpGet(vanished.url);
      assert.ok(gone.kind === 'answer' && gone.status === 400);
      await vanished.m.close();
    });
  }
});
