import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningMock, startMock } from '../../src/mock/server.ts';
import { parseApiAddress } from '../../src/provider/address.ts';
import { createProviderClient, type ProviderClient } from '../../src/provider/client.ts';
import { scanFleet } from '../../src/scan/scan.ts';
import { type RunningServer, startServer } from '../../src/server/server.ts';
import { createMemoryStore } from '../../src/store/memory/memory-store.ts';
import { runCli } from '../helpers/cli.ts';
import { eventually } from '../helpers/eventually.ts';
import { parsePrometheusText } from '../helpers/prom-text.ts';
import { readEvents, waitFor200 } from '../helpers/serve.ts';

// The server in-process over the real provider client, the mock on loopback, and real HTTP.
let mock: RunningMock;
let client: ProviderClient;
let faultyMock: RunningMock;
let faultyClient: ProviderClient;
const servers: RunningServer[] = [];
const RULES = { maxCpu: 75, maxMemory: 75, minHealthy: 2 };
const TOKEN = 'integration-token-1';

async function serve(
  options: { token?: string; intervalMs?: number; faulty?: boolean } = {},
): Promise<RunningServer> {
  const provider = options.faulty ? faultyClient : client;
  const server = await startServer({
    scan: (signal) => scanFleet(provider, { concurrency: 8, deadlineMs: 10_000, signal }),
    provider: provider.url,
    rules: RULES,
    intervalMs: options.intervalMs ?? 60_000,
    store: createMemoryStore({ windowMs: 60_000, maxScans: 200 }),
    listen: { host: '127.0.0.1', port: 0, loopback: true },
    auth: options.token === undefined ? {} : { token: options.token },
    webRoot: undefined,
    log: () => {},
  });
  servers.push(server);
  return server;
}

before(async () => {
  mock = await startMock({ host: '127.0.0.1', instances: 60, seed: 11, model: 'fixed' });
  faultyMock = await startMock({
    host: '127.0.0.1',
    instances: 60,
    seed: 11,
    model: 'fixed',
    errorRate: 0.1,
  });
  const clientOf = (url: string) =>
    createProviderClient({
      baseUrl: parseApiAddress(url),
      timeoutMs: 2000,
      retries: 0,
      concurrency: 8,
    });
  client = clientOf(mock.url);
  faultyClient = clientOf(faultyMock.url);
});

after(async () => {
  await Promise.all(servers.map((s) => s.stop(1000)));
  await Promise.all([client.close(), faultyClient.close()]);
  await Promise.all([mock.close(), faultyMock.close()]);
});

const getJson = async (url: string, init: RequestInit = {}) => {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
};

describe('serve over HTTP on loopback', () => {
  it('answers the same rows as the CLI -o json for the same fleet', async () => {
    // The fixed value model never changes, so the CLI and the server read the same numbers.
    const server = await serve();
    await waitFor200(`${server.url}readyz`);
    for (const command of ['instances', 'services', 'health']) {
      const cli = await runCli(['--api', `127.0.0.1:${mock.port}`, command, '-o', 'json']);
      assert.ok(cli.code === 0 || cli.code === 1, cli.stderr);
      const { status, body, headers } = await getJson(`${server.url}api/v1/${command}`);
      assert.equal(status, 200);
      assert.match(headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(body, JSON.parse(cli.stdout), command);
    }
  });

  it('exports /metrics that parse and agree with the API rows', async () => {
    const server = await serve({ faulty: true });
    await waitFor200(`${server.url}readyz`);
    const res = await fetch(`${server.url}metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusText(await res.text());
    const rows = (await getJson(`${server.url}api/v1/instances`)).body as {
      ip: string;
      service: string | null;
      status: string;
      cpu: number | null;
    }[];
    const up = families.get('fleetmon_instance_up')?.samples ?? [];
    assert.equal(up.length, rows.length);
    for (const row of rows) {
      const sample = up.find((s) => s.labels.ip === row.ip);
      assert.equal(sample?.value, row.status === 'unreachable' ? 0 : 1, row.ip);
      assert.equal(sample?.labels.service, row.service ?? '');
      const cpu = families
        .get('fleetmon_instance_cpu_percent')
        ?.samples.find((s) => s.labels.ip === row.ip);
      assert.equal(cpu?.value, row.cpu ?? undefined, row.ip);
    }
    const health = (await getJson(`${server.url}api/v1/health`)).body as {
      service: string;
      status: string;
    }[];
    const flagged = families.get('fleetmon_service_flagged')?.samples ?? [];
    assert.deepEqual(
      flagged.map((s) => [s.labels.service, s.value]),
      health.map((h) => [h.service, h.status === 'flagged' ? 1 : 0]),
    );
    const unreachable = rows.filter((r) => r.status === 'unreachable').length;
    const errors = families.get('fleetmon_scan_errors_total')?.samples ?? [];
    assert.equal(
      errors.reduce((sum, s) => sum + s.value, 0),
      unreachable,
    );
  });

  it('streams a scan event at once and after every scan', async () => {
    const server = await serve({ intervalMs: 600 });
    const { events, close } = await readEvents(`${server.url}api/v1/stream`, 'scan', 2);
    close();
    const [first, second] = events.map((e) => JSON.parse(e.data));
    assert.ok(second.seq > first.seq);
    assert.equal(first.instances, 60);
    assert.ok(Array.isArray(first.services) && Array.isArray(first.health));
    assert.equal(events[1]?.id, String(second.seq));
  });

  it('keeps history for the charts, one point per scan', async () => {
    const server = await serve({ intervalMs: 500 });
    const history = async () => {
      const services = (await getJson(`${server.url}api/v1/services`)).body;
      const name = (services as { service: string }[])[0]?.service;
      if (name === undefined) return undefined;
      const answer = await getJson(`${server.url}api/v1/history?service=${name}&members=30`);
      return answer.body.ts?.length >= 2 ? answer : undefined;
    };
    const { status, body } = await eventually('two scans in the history', history, {
      everyMs: 100,
    });
    assert.equal(status, 200);
    assert.ok(body.ts.length >= 2, JSON.stringify(body.ts));
    assert.equal(body.cpu.length, body.ts.length);
    assert.ok(body.members.every((m: { cpu: unknown[] }) => m.cpu.length === body.ts.length));
  });

  it('enforces the bearer token over the wire, but not on /healthz', async () => {
    const server = await serve({ token: TOKEN });
    assert.equal((await fetch(`${server.url}healthz`)).status, 200);
    const denied = await getJson(`${server.url}api/v1/services`);
    assert.equal(denied.status, 401);
    assert.equal(denied.body.status, 401);
    const auth = { headers: { Authorization: `Bearer ${TOKEN}` } };
    await waitFor200(`${server.url}readyz`, 10_000, auth);
    assert.equal((await fetch(`${server.url}metrics`, auth)).status, 200);
    assert.equal((await fetch(`${server.url}metrics`)).status, 401);
  });
});
