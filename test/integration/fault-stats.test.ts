import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MockOptions } from '../../src/mock/server.ts';
import type { ProviderClientOptions } from '../../src/provider/client.ts';
import { scanFleet } from '../../src/scan/scan.ts';
import { assertAccountedFor, faultFleet, guardSuite, reasonOf } from '../helpers/fault-fleet.ts';

// The fault matrix of issue #5 for stats requests: each fault alone, on both transports, then
// all together. Every case: bounded time, every listed instance accounted for with its reason,
// no unhandled rejection. Client timeout 300 ms, 1 retry (FAST_CLIENT).
const suite = guardSuite();

interface Case {
  readonly name: string;
  readonly faults: MockOptions;
  readonly client?: Partial<ProviderClientOptions>;
  /** Every reading fails with a reason matching this. */
  readonly reason: RegExp;
  readonly attempts?: number;
  /** The scan's deadline: a reading it cut would read "scan deadline exceeded". */
  readonly withinMs: number;
  /**
   * The case is about a timeout, so the client's 300 ms stands. Every other case gets a patient
   * client: on a loaded machine a reset or a 500 must not turn into a timeout of our own.
   */
  readonly aboutTime?: true;
}

/** What a case that is not about timing is given: bounded, but by far more than it needs. */
const PATIENT = { timeoutMs: 5000, deadlineMs: 10_000 };

const CASES: readonly Case[] = [
  { name: '5xx', faults: { errorRate: 1 }, reason: /^HTTP 500$/, attempts: 2, withinMs: 1000 },
  {
    name: '429 with a Retry-After beyond the read budget',
    faults: { throttleRate: 1, retryAfterSeconds: 60 },
    reason: /^HTTP 429 \(asked to retry after 1m\)$/,
    attempts: 1,
    withinMs: 1000,
  },
  {
    name: '429 with Retry-After: 0, retried until the retries run out',
    faults: { throttleRate: 1, retryAfterSeconds: 0 },
    reason: /^HTTP 429$/,
    attempts: 2,
    withinMs: 1000,
  },
  {
    name: 'reset before headers',
    faults: { dropRate: 1 },
    reason:
      /^(connection reset \(ECONNRESET\)|connection closed before the response was complete)$/,
    attempts: 2,
    withinMs: 1500,
  },
  {
    // Over HTTP/1.0 a body ends when the connection does, so a cut body is read as a short one.
    name: 'reset mid-body',
    faults: { cutRate: 1 },
    reason:
      /^(connection reset \(ECONNRESET\)|connection closed before the response was complete|response shorter than its Content-Length|body is not JSON)$/,
    withinMs: 1500,
  },
  {
    name: 'hang forever',
    faults: { hangRate: 1 },
    reason: /^timeout after 300ms$/,
    attempts: 2,
    withinMs: 3000,
    aboutTime: true,
  },
  {
    name: 'slow trickle, one byte a second',
    faults: { trickleRate: 1 },
    reason: /^timeout after 300ms reading the body$/,
    attempts: 2,
    withinMs: 3000,
    aboutTime: true,
  },
  {
    name: 'a 50 MB body',
    faults: { floodRate: 1 },
    // Reading the first MiB of each flood took over the default 300 ms once, with the whole
    // suite running on two cores: a timeout, then a retry (attempts 2). The case is about size.
    client: { timeoutMs: 2000 },
    reason: /^body larger than 1 MiB$/,
    attempts: 1,
    withinMs: 3000,
  },
  {
    name: 'a body over a lowered --max-body',
    faults: { floodRate: 1, floodBytes: 100_000 },
    client: { maxBodyBytes: 4096 },
    reason: /^body larger than 4 KiB$/,
    attempts: 1,
    withinMs: 1000,
  },
  {
    name: 'listed, then gone (400)',
    faults: { vanishRate: 1 },
    reason: /^HTTP 400 \(instance gone\)$/,
    attempts: 1,
    withinMs: 1000,
  },
  {
    name: 'a header wait shorter than the timeout',
    faults: { hangRate: 1 },
    client: { timeoutMs: 2000, headersTimeoutMs: 200, retries: 0 },
    reason: /^timeout after 200ms waiting for response headers$/,
    attempts: 1,
    withinMs: 1500,
    aboutTime: true,
  },
];

for (const http10 of [false, true]) {
  const transport = http10 ? 'HTTP/1.0' : 'HTTP/1.1';
  describe(`stats faults, each alone (${transport})`, { concurrency: true }, () => {
    for (const c of CASES) {
      it(`${c.name}: every instance unreachable with the reason, in bounded time`, async () => {
        const client = c.aboutTime ? c.client : { timeoutMs: PATIENT.timeoutMs, ...c.client };
        const fleet = suite.track(await faultFleet({ http10, ...c.faults }, client));
        const deadlineMs = c.aboutTime ? c.withinMs : Math.max(c.withinMs, PATIENT.deadlineMs);
        const snapshot = await scanFleet(fleet.client, { concurrency: 8, deadlineMs });
        assertAccountedFor(fleet.mock.fleet.ips, snapshot);
        for (const reading of snapshot.readings) {
          assert.match(reasonOf(reading), c.reason, reading.ip);
          if (c.attempts !== undefined) assert.equal(reading.attempts, c.attempts, reading.ip);
        }
        await fleet.close();
      });
    }
  });
}

describe('malformed bodies', () => {
  it('name what is wrong, keep the service when it was valid, and are not retried', async () => {
    // 10 kinds in turn: invalid JSON, a missing field, a non-number, >100, an HTML page, an
    // array, wrong types, a negative value, nulls, an empty body.
    const fleet = suite.track(await faultFleet({ malformedRate: 1, instances: 20 }));
    const snapshot = await scanFleet(fleet.client, { concurrency: 1 });
    assertAccountedFor(fleet.mock.fleet.ips, snapshot);
    const reasons = snapshot.readings.map(reasonOf);
    assert.deepEqual(reasons.slice(0, 10), [
      'body is not JSON',
      'missing field "memory"',
      'cpu "abc%" is not a percentage',
      'memory "150%" is out of range 0-100',
      'body is not JSON',
      'body is not a JSON object',
      'service must be a non-empty string; cpu true is not a percentage; memory ["4%"] is not a percentage',
      'cpu "-5%" is out of range 0-100',
      'service must be a non-empty string; cpu null is not a percentage; memory null is not a percentage',
      'body is empty',
    ]);
    assert.deepEqual(reasons.slice(10), reasons.slice(0, 10));
    assert.ok(snapshot.readings.every((r) => r.attempts === 1));
    const withService = snapshot.readings.filter((r) => !r.ok && r.service === 'UserService');
    assert.equal(withService.length, 2 * 4, 'missing field, bad cpu, >100 and negative keep it');
    await fleet.close();
  });
});

describe('every fault at once', { concurrency: true }, () => {
  for (const http10 of [false, true]) {
    it(`accounts for every instance with a known reason (${http10 ? 'HTTP/1.0' : 'HTTP/1.1'})`, async () => {
      // With the adaptive window on: hangs and resets shrink it, the scan deadline still bounds it.
      const fleet = suite.track(
        await faultFleet(
          {
            http10,
            instances: 80,
            faultSeed: 3,
            errorRate: 0.1,
            malformedRate: 0.1,
            hangRate: 0.1,
            dropRate: 0.1,
            throttleRate: 0.1,
            cutRate: 0.1,
            trickleRate: 0.1,
            floodRate: 0.1,
            vanishRate: 0.1,
            retryAfterSeconds: 0,
          },
          { adaptive: true, concurrency: 16 },
        ),
      );
      const heapBefore = process.memoryUsage().heapUsed;
      const snapshot = await scanFleet(fleet.client, { concurrency: 16, deadlineMs: 3000 });
      assertAccountedFor(fleet.mock.fleet.ips, snapshot);
      const known =
        /^(HTTP (500|429|400 \(instance gone\))|timeout after 300ms( reading the body)?|body larger than 1 MiB|connection reset \(ECONNRESET\)|connection closed before the response was complete|response shorter than its Content-Length|body is (not JSON|not a JSON object|empty)|missing field "memory"|(cpu|memory) .* (is not a percentage|is out of range 0-100)|service must be .*|scan deadline exceeded \(3s\))$/;
      for (const reading of snapshot.readings) {
        if (reading.ok) {
          assert.deepEqual(reading.stats, fleet.mock.fleet.statsAt(reading.ip, 0));
        } else {
          assert.match(reading.error, known, reading.ip);
        }
      }
      assert.ok(snapshot.readings.some((r) => r.ok));
      assert.ok(snapshot.readings.some((r) => !r.ok));
      // Dozens of 50 MB bodies were offered; none may have been kept.
      const grown = process.memoryUsage().heapUsed - heapBefore;
      assert.ok(grown < 40 * 1024 * 1024, `heap grew ${Math.round(grown / 1024 / 1024)} MB`);
      await fleet.close();
    });
  }
});
