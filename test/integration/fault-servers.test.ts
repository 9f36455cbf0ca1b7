import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FleetmonError } from '../../src/core/errors.ts';
import { NON_IP_ENTRIES } from '../../src/mock/faults.ts';
import type { MockOptions } from '../../src/mock/server.ts';
import { scanFleet } from '../../src/scan/scan.ts';
import { FakeClock } from '../../src/time/fake-clock.test-helper.ts';
import {
  assertAccountedFor,
  type FaultFleet,
  faultFleet,
  guardSuite,
  reasonOf,
} from '../helpers/fault-fleet.ts';

// The fault matrix of issue #5 for `/servers`: a list that fails, hangs, is garbage, too long,
// doubled, mixed with non-IPs, or changes under the scan (churn).
const suite = guardSuite();

async function fleetWith(faults: MockOptions, client = {}): Promise<FaultFleet> {
  const fleet = suite.track(await faultFleet(faults, client));
  return fleet;
}

describe('a /servers that fails', () => {
  const cases: Array<[name: string, faults: MockOptions, code: string, message: RegExp]> = [
    [
      'with HTTP 500',
      { serversFault: 'error' },
      'provider-invalid',
      /^http:\/\/127\.0\.0\.1:\d+\/servers answered HTTP 500$/,
    ],
    [
      'by hanging',
      { serversFault: 'hang' },
      'provider-unreachable',
      /^cannot reach http:\/\/127\.0\.0\.1:\d+\/servers: timeout after 300ms$/,
    ],
    [
      'with invalid JSON',
      { serversFault: 'garbage' },
      'provider-invalid',
      /\/servers answered something that is not a JSON array of IPs \(body is not JSON\)$/,
    ],
    [
      'with an HTML error page',
      { serversFault: 'html' },
      'provider-invalid',
      /\/servers answered something that is not a JSON array of IPs \(body is not JSON\)$/,
    ],
    [
      'with an object instead of a list',
      { serversFault: 'not-array' },
      'provider-invalid',
      /\(body is not a JSON array\)$/,
    ],
  ];
  for (const [name, faults, code, message] of cases) {
    for (const http10 of [false, true]) {
      it(`${name} fails the scan with one line naming the URL (${http10 ? 'HTTP/1.0' : 'HTTP/1.1'})`, async () => {
        const { client } = await fleetWith({ http10, ...faults });
        // Within the deadline: past it the message would name the deadline instead.
        await assert.rejects(scanFleet(client, { concurrency: 4, deadlineMs: 1500 }), (err) => {
          assert.ok(err instanceof FleetmonError);
          assert.equal(err.code, code);
          assert.match(err.message, message);
          assert.ok(err.hint);
          return true;
        });
      });
    }
  }

  it('is retried, so a flaky /servers does not fail the scan', async () => {
    // Every other /servers answer fails (seeded, so the same ones every run).
    const { mock, client } = await fleetWith(
      { serversFault: 'error', serversFaultRate: 0.5 },
      { retries: 4 },
    );
    for (let scan = 0; scan < 5; scan++) {
      const snapshot = await scanFleet(client, { concurrency: 4 });
      assertAccountedFor(mock.fleet.ips, snapshot);
    }
    assert.ok(mock.stats.faults > 0, 'some /servers answers should have failed');
  });
});

describe('a /servers list that is odd but usable', () => {
  it('reads duplicates once and says so', async () => {
    const { mock, client } = await fleetWith({ serversFault: 'duplicates' });
    const snapshot = await scanFleet(client, { concurrency: 4 });
    assertAccountedFor(mock.fleet.ips, snapshot);
    assert.ok(snapshot.readings.every((r) => r.ok));
    assert.deepEqual(client.lastListWarnings, [
      `ignored ${mock.fleet.ips.length} duplicate entries; each instance is read once`,
    ]);
  });

  it('keeps non-IP entries as unreachable rows, so nothing listed disappears', async () => {
    const { mock, client } = await fleetWith({ serversFault: 'non-ip' });
    const snapshot = await scanFleet(client, { concurrency: 4 });
    const ips = snapshot.readings.slice(0, mock.fleet.ips.length);
    assert.deepEqual(
      ips.map((r) => r.ip),
      [...mock.fleet.ips],
    );
    assert.ok(ips.every((r) => r.ok));
    const junk = snapshot.readings.slice(mock.fleet.ips.length);
    assert.deepEqual(
      junk.map((r) => r.ip),
      ['not-an-ip', '10.0.0.256', '42', 'null', '""', '{"ip":"10.0.0.1"}', '"bad\\u001b[31mname"'],
    );
    assert.equal(junk.length, NON_IP_ENTRIES.length);
    for (const reading of junk) assert.equal(reasonOf(reading), 'not an IP address');
    assert.match(
      client.lastListWarnings[0] ?? '',
      /^7 listed entries are not an IP address \("not-an-ip", "10\.0\.0\.256", 42, \.\.\.\); shown as unreachable$/,
    );
    // Only real IPs were asked about: one /servers and one request per instance.
    assert.equal(mock.stats.requests, 1 + mock.fleet.ips.length);
  });
});

describe('limits on what a /servers answer may hold', () => {
  it('refuses a list longer than --max-instances, naming the limit', async () => {
    const { client } = await fleetWith({ instances: 200 }, { maxInstances: 100 });
    await assert.rejects(scanFleet(client, { concurrency: 4 }), (err) => {
      assert.ok(err instanceof FleetmonError);
      assert.equal(err.code, 'provider-invalid');
      assert.match(
        err.message,
        /\/servers lists 200 entries, more than the limit of 100 instances$/,
      );
      assert.match(err.hint ?? '', /--max-instances/);
      return true;
    });
  });

  it('stops reading a list body larger than the instance limit allows, keeping memory bounded', async () => {
    // 5000 IPs are ~70 KB; 10 instances allow 1024 + 10 × 64 bytes.
    const { client } = await fleetWith({ instances: 5000 }, { maxInstances: 10 });
    await assert.rejects(scanFleet(client, { concurrency: 4 }), (err) => {
      assert.ok(err instanceof FleetmonError);
      assert.match(
        err.message,
        /\/servers answered more than 1\.6 KiB, the most 10 instances need$/,
      );
      return true;
    });
  });
});

describe('a 50 MB /servers answer', () => {
  it('is cut off at the size the instance limit allows, in bounded time', async () => {
    const { client } = await fleetWith({ serversFault: 'flood' }, { maxInstances: 1000 });
    await assert.rejects(scanFleet(client, { concurrency: 4, deadlineMs: 1000 }), (err) => {
      assert.ok(err instanceof FleetmonError);
      assert.equal(err.code, 'provider-invalid');
      assert.match(
        err.message,
        /\/servers answered more than 63\.5 KiB, the most 1000 instances need$/,
      );
      return true;
    });
  });

  it('is read within the default limit when it is a valid list, padding and all', async () => {
    const { mock, client } = await fleetWith({ serversFault: 'flood' }, { timeoutMs: 5000 });
    const snapshot = await scanFleet(client, { concurrency: 4 });
    assertAccountedFor(mock.fleet.ips, snapshot);
  });
});

describe('instances that come and go', () => {
  it('reports the ones gone between list and stats as gone, and loses none', async () => {
    // Half the fleet is replaced every 20 ms of the mock's clock, while each answer takes 5-15
    // ms of it: the test moves that clock 5 ms at a time until the scan has ended.
    const clock = new FakeClock();
    const { mock, client } = await fleetWith({
      instances: 60,
      churn: 0.5,
      churnIntervalMs: 20,
      latencyMs: { min: 5, max: 15 },
      clock,
    });
    const listed = [...mock.roster.listedAt(clock.wallNow())];
    let scanned = false;
    const scan = scanFleet(client, { concurrency: 4 }).finally(() => (scanned = true));
    for (let step = 0; !scanned; step++) {
      assert.ok(step < 10_000, 'the scan never ended');
      await clock.advance(5);
    }
    const snapshot = await scan;
    assert.equal(snapshot.readings.length, 60);
    assert.equal(new Set(snapshot.readings.map((r) => r.ip)).size, 60);
    const gone = snapshot.readings.filter((r) => reasonOf(r) === 'HTTP 400 (instance gone)');
    assert.ok(gone.length > 0, 'churn should have removed some instances mid-scan');
    for (const reading of snapshot.readings) {
      if (reading.ok) assert.deepEqual(reading.stats, mock.fleet.statsAt(reading.ip, 0));
      else assert.equal(reasonOf(reading), 'HTTP 400 (instance gone)');
    }
    assert.notDeepEqual([...mock.roster.listedAt(clock.wallNow())], listed);
  });
});
