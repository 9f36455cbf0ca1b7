// A real Prometheus scrapes a running `fleetmon serve` (the built CLI, on loopback) against the
// simulated provider, evaluates the alert rules, and answers the dashboard's queries.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, cleanEnv } from '../../test/helpers/cli.ts';
import { freePort } from '../../test/helpers/net.ts';
import { type ServeChild, startServeChild } from '../../test/helpers/serve.ts';
import { panelQueries, readDashboard } from './dashboard.ts';
import { type Daemon, eventually, startDaemon } from './processes.ts';
import { missingTools, needTools, ROOT } from './tools.ts';

interface Sample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}
interface Alert {
  readonly labels: Record<string, string>;
  readonly state: 'pending' | 'firing';
}
interface RuleState {
  readonly name: string;
  readonly health: string;
  readonly lastError?: string;
  readonly lastEvaluation: string;
}

const TOOLS = { prometheus: 'prometheus' };
const missing = missingTools('prometheus').length > 0;

describe('Prometheus scraping fleetmon serve', () => {
  let dir = '';
  let mock: Daemon | undefined;
  let serve: ServeChild | undefined;
  let prometheus: Daemon | undefined;
  let api = '';

  async function get<T>(path: string): Promise<T> {
    const res = await fetch(`${api}${path}`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error}`);
    return body.data;
  }
  const query = (expr: string) =>
    get<{ result: Sample[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`).then(
      (data) => data.result,
    );
  const alerts = async (name: string) =>
    (await get<{ alerts: Alert[] }>('/api/v1/alerts')).alerts.filter(
      (a) => a.labels.alertname === name,
    );

  before(async () => {
    if (missing) return;
    dir = await mkdtemp(join(tmpdir(), 'fleetmon-prometheus-'));
    // Fixed values, no faults: which services are flagged does not change during the check.
    mock = await startDaemon(
      BIN,
      ['mock', '--host', '127.0.0.1', '--port', '0', '--model', 'fixed'],
      /on (http:\/\/127\.0\.0\.1:\d+)/,
      { env: cleanEnv() },
    );
    serve = await startServeChild([
      '--api',
      mock.match[1] ?? '',
      '--listen',
      '127.0.0.1:0',
      '--interval',
      '1s',
    ]);
    const target = new URL(serve.url).host;
    const port = await freePort();
    await writeFile(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: ["${ROOT}deploy/prometheus/rules.yaml"]`,
        'scrape_configs:',
        `  - { job_name: fleetmon, static_configs: [{ targets: ["${target}"] }] }`,
        '',
      ].join('\n'),
    );
    api = `http://127.0.0.1:${port}`;
    prometheus = await startDaemon(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      /Server is ready to receive web requests/,
    );
    await eventually('a scrape with fleet series', async () => {
      const up = await query('fleetmon_service_flagged{job="fleetmon"}');
      return up.length > 0 ? up : undefined;
    });
  });

  after(async () => {
    await prometheus?.stop();
    serve?.kill();
    await mock?.stop();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('evaluates every alert rule without error', async (t) => {
    if (!needTools(t, TOOLS)) return;
    const rules = await eventually('every rule evaluated', async () => {
      const groups = (await get<{ groups: { rules: RuleState[] }[] }>('/api/v1/rules')).groups;
      const all = groups.flatMap((g) => g.rules);
      return all.every((r) => !r.lastEvaluation.startsWith('0001')) ? all : undefined;
    });
    assert.ok(rules.length >= 9);
    for (const rule of rules) assert.equal(rule.health, 'ok', `${rule.name}: ${rule.lastError}`);
  });

  it('holds FleetmonServiceFlagged for exactly the services fleetmon flags', async (t) => {
    if (!needTools(t, TOOLS)) return;
    const health = (await (await fetch(`${serve?.url}api/v1/health`)).json()) as {
      service: string;
      status: string;
    }[];
    const flagged = health.filter((h) => h.status === 'flagged').map((h) => h.service);
    assert.ok(flagged.length > 0, 'the seed fleet has flagged services');
    const pending = await eventually('FleetmonServiceFlagged pending', async () => {
      const found = await alerts('FleetmonServiceFlagged');
      return found.length > 0 ? found : undefined;
    });
    assert.deepEqual(pending.map((a) => a.labels.service).sort(), flagged.sort());
    assert.ok(pending.every((a) => a.state === 'pending' && a.labels.severity === 'critical'));
  });

  it('measures scans as fresh and every instance as readable, and stays quiet about both', async (t) => {
    if (!needTools(t, TOOLS)) return;
    const [age] = await query(
      'time() - (fleetmon_last_successful_scan_timestamp_seconds{job="fleetmon"} > process_start_time_seconds{job="fleetmon"} or process_start_time_seconds{job="fleetmon"})',
    );
    assert.ok(age && Number(age.value[1]) < 45, `scan age ${age?.value[1]}`);
    const [unreadable] = await query(
      '(fleetmon_instances{job="fleetmon"} - sum without (ip, service) (fleetmon_instance_up{job="fleetmon"})) / fleetmon_instances{job="fleetmon"}',
    );
    assert.equal(unreadable?.value[1], '0');
    for (const name of [
      'FleetmonScanStale',
      'FleetmonScansFailing',
      'FleetmonProviderErrors',
      'FleetmonDown',
      'FleetmonAbsent',
    ]) {
      assert.deepEqual(await alerts(name), [], name);
    }
  });

  it('answers every dashboard query, with data wherever fleetmon exports it today', async (t) => {
    if (!needTools(t, TOOLS)) return;
    // Probes and the history store come with their own features; no errors, no data yet.
    const mayBeEmpty = /fleetmon_probe_|fleetmon_store_up|fleetmon_scan_errors_total/;
    for (const { panel, expr } of panelQueries(await readDashboard())) {
      if (mayBeEmpty.test(expr)) {
        await query(expr);
        continue;
      }
      // Rates need two scrapes in their window.
      await eventually(`${panel}: data for ${expr}`, async () => {
        const result = await query(expr);
        return result.length > 0 ? result : undefined;
      });
    }
  });

  it('raises FleetmonDown and FleetmonAbsent once fleetmon stops', async (t) => {
    if (!needTools(t, TOOLS)) return;
    serve?.child.kill('SIGTERM');
    await serve?.exited;
    for (const name of ['FleetmonDown', 'FleetmonAbsent']) {
      const raised = await eventually(`${name} pending`, async () => {
        const found = await alerts(name);
        return found.length > 0 ? found : undefined;
      });
      assert.equal(raised[0]?.state, 'pending');
    }
  });
});
