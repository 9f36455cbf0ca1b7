import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrafficSummary } from '../../src/core/types.ts';
import { buildFleetView } from '../../src/server/fleet-view.ts';
import { createFleetMetrics } from '../../src/server/metrics.ts';
import {
  FLEET,
  failed,
  ok,
  RULES,
  snapshotOf,
} from '../../src/server/test-fixtures.test-helper.ts';
import { FakeClock } from '../../src/time/fake-clock.test-helper.ts';
import { type Family, parsePrometheusText } from '../helpers/prom-text.ts';

const VERSION = { version: '1.2.3', build: '7', commit: 'abc123' };

function sampleValue(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
) {
  const family = families.get(name.replace(/_(bucket|sum|count)$/, '')) ?? families.get(name);
  const sample = family?.samples.find(
    (s) =>
      s.name === name &&
      Object.keys(labels).length === Object.keys(s.labels).length &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return sample?.value;
}

describe('the Prometheus text parser used by these tests', () => {
  it('rejects what Prometheus would reject', () => {
    const bad = [
      'x 1', // no trailing newline
      'x{a="1"} one\n',
      'x{a="1",a="2"} 1\n',
      'x{a="\\q"} 1\n',
      '# TYPE x gauge\nx 1\n# TYPE x gauge\n',
      'x 1\ny 1\nx{a="b"} 2\n',
      'x 1\nx 2\n',
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
      '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n',
    ];
    for (const text of bad) assert.throws(() => parsePrometheusText(text), Error, text);
  });
});

describe('createFleetMetrics', () => {
  it('exposes valid text with every promised family before any scan', async () => {
    const metrics = createFleetMetrics(VERSION, new FakeClock());
    const families = parsePrometheusText(new TextDecoder().decode((await metrics.render()).body));
    assert.equal(sampleValue(families, 'fleetmon_build_info', VERSION), 1);
    for (const reason of ['timeout', 'http_status', 'connection', 'list_failed', 'other']) {
      assert.equal(sampleValue(families, 'fleetmon_scan_errors_total', { reason }), 0, reason);
    }
    assert.equal(families.get('fleetmon_scan_duration_seconds')?.type, 'histogram');
    assert.ok(families.has('process_resident_memory_bytes'));
  });

  it('follows the fleet: per-instance and per-service series, errors by bounded reason', async () => {
    const metrics = createFleetMetrics(VERSION, new FakeClock({ wallStart: 1_700_000_001_000 }));
    metrics.recordScan(buildFleetView(snapshotOf(FLEET), RULES, 1));
    const f = parsePrometheusText(new TextDecoder().decode((await metrics.render()).body));
    for (const [name, type] of [
      ['fleetmon_instance_cpu_percent', 'gauge'],
      ['fleetmon_instance_memory_percent', 'gauge'],
      ['fleetmon_instance_healthy', 'gauge'],
      ['fleetmon_instance_up', 'gauge'],
      ['fleetmon_service_instances', 'gauge'],
      ['fleetmon_service_healthy_instances', 'gauge'],
      ['fleetmon_service_flagged', 'gauge'],
      ['fleetmon_scans_total', 'counter'],
      ['fleetmon_scan_errors_total', 'counter'],
      ['fleetmon_last_successful_scan_timestamp_seconds', 'gauge'],
    ] as const) {
      assert.equal(f.get(name)?.type, type, name);
      assert.ok((f.get(name)?.help ?? '').length > 10, `${name} has HELP`);
    }
    const b = { ip: '10.0.1.1', service: 'B' };
    assert.equal(sampleValue(f, 'fleetmon_instance_cpu_percent', b), 90);
    assert.equal(sampleValue(f, 'fleetmon_instance_memory_percent', b), 10);
    assert.equal(sampleValue(f, 'fleetmon_instance_healthy', b), 0);
    assert.equal(sampleValue(f, 'fleetmon_instance_up', b), 1);
    const down = { ip: '10.0.0.3', service: 'B' };
    assert.equal(sampleValue(f, 'fleetmon_instance_up', down), 0);
    assert.equal(sampleValue(f, 'fleetmon_instance_healthy', down), 0);
    assert.equal(sampleValue(f, 'fleetmon_instance_cpu_percent', down), undefined);
    assert.equal(sampleValue(f, 'fleetmon_service_instances', { service: 'A' }), 2);
    assert.equal(sampleValue(f, 'fleetmon_service_healthy_instances', { service: 'A' }), 2);
    assert.equal(sampleValue(f, 'fleetmon_service_flagged', { service: 'A' }), 0);
    assert.equal(sampleValue(f, 'fleetmon_service_flagged', { service: 'B' }), 1);
    assert.equal(sampleValue(f, 'fleetmon_scan_errors_total', { reason: 'http_status' }), 1);
    assert.equal(sampleValue(f, 'fleetmon_scans_total', { result: 'success' }), 1);
    assert.equal(sampleValue(f, 'fleetmon_last_successful_scan_timestamp_seconds'), 1_700_000_001);
    assert.equal(sampleValue(f, 'fleetmon_scan_duration_seconds_count'), 1);
    assert.equal(sampleValue(f, 'fleetmon_scan_duration_seconds_sum'), 0.042);
  });

  it('removes the series of instances and services that disappeared', async () => {
    const metrics = createFleetMetrics(VERSION, new FakeClock());
    metrics.recordScan(buildFleetView(snapshotOf(FLEET), RULES, 1));
    metrics.recordScan(buildFleetView(snapshotOf([ok('10.0.0.2', 'A', 1, 2)]), RULES, 2));
    const f = parsePrometheusText(new TextDecoder().decode((await metrics.render()).body));
    for (const name of ['fleetmon_instance_up', 'fleetmon_instance_cpu_percent']) {
      assert.deepEqual(
        f.get(name)?.samples.map((s) => s.labels.ip),
        ['10.0.0.2'],
        name,
      );
    }
    assert.deepEqual(
      f.get('fleetmon_service_instances')?.samples.map((s) => s.labels.service),
      ['A'],
    );
  });

  it('counts failed scans and escapes odd label values', async () => {
    const metrics = createFleetMetrics(VERSION, new FakeClock());
    metrics.recordFailedScan(1500);
    const odd = 'We"ird\\Service\nName';
    metrics.recordScan(
      buildFleetView(snapshotOf([ok('10.0.0.1', odd, 1, 2), failed('10.0.0.2', 'boom')]), RULES, 1),
    );
    const f = parsePrometheusText(new TextDecoder().decode((await metrics.render()).body));
    assert.equal(sampleValue(f, 'fleetmon_scans_total', { result: 'failure' }), 1);
    assert.equal(sampleValue(f, 'fleetmon_scan_errors_total', { reason: 'list_failed' }), 1);
    assert.equal(sampleValue(f, 'fleetmon_scan_errors_total', { reason: 'other' }), 1);
    assert.equal(sampleValue(f, 'fleetmon_instance_up', { ip: '10.0.0.1', service: odd }), 1);
    assert.equal(sampleValue(f, 'fleetmon_instance_up', { ip: '10.0.0.2', service: '' }), 0);
  });

  it("reports the provider client's requests, retries, connects and window, as of the last scan", async () => {
    let traffic: TrafficSummary | undefined;
    const metrics = createFleetMetrics(VERSION, new FakeClock(), { traffic: () => traffic });
    const read = async () =>
      parsePrometheusText(new TextDecoder().decode((await metrics.render()).body));
    // Before the client has sent anything, the counters are there at 0.
    let f = await read();
    assert.equal(sampleValue(f, 'fleetmon_provider_requests_total'), 0);
    assert.equal(f.get('fleetmon_provider_requests_total')?.type, 'counter');
    traffic = {
      requests: 151,
      retries: 2,
      activeMs: 120,
      latency: undefined,
      connections: 151,
      resentConnects: 14,
      pipelined: 5,
      window: { max: 64, limit: 48, decreases: 1 },
    };
    metrics.recordScan(buildFleetView(snapshotOf([ok('10.0.0.1', 'A', 1, 2)]), RULES, 1));
    f = await read();
    assert.equal(sampleValue(f, 'fleetmon_provider_requests_total'), 151);
    assert.equal(sampleValue(f, 'fleetmon_provider_retries_total'), 2);
    assert.equal(sampleValue(f, 'fleetmon_provider_connections_total'), 151);
    assert.equal(sampleValue(f, 'fleetmon_provider_connects_resent_total'), 14);
    assert.equal(sampleValue(f, 'fleetmon_provider_pipelined_total'), 5);
    assert.equal(sampleValue(f, 'fleetmon_provider_window_cuts_total'), 1);
    assert.equal(sampleValue(f, 'fleetmon_provider_window'), 48);
    assert.equal(f.get('fleetmon_provider_window')?.type, 'gauge');
  });

  it('renders the process series at most once a second by its clock, and anew after a scan', async () => {
    const clock = new FakeClock();
    const metrics = createFleetMetrics(VERSION, clock);
    const first = await metrics.render();
    await clock.advance(1000);
    assert.equal(await metrics.render(), first, 'one rendering within a second');
    await clock.advance(1);
    const second = await metrics.render();
    assert.notEqual(second, first);
    metrics.recordScan(buildFleetView(snapshotOf(FLEET), RULES, 1));
    assert.notEqual(await metrics.render(), second, 'a scan is shown at once');
  });
});
