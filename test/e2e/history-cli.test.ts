import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { type RunningMock, startMock } from '../../src/mock/server.ts';
import { adminQuery, PG_ADMIN_URL } from '../../src/store/backends.test-helper.ts';
import { runCli } from '../helpers/cli.ts';
import { startPasswordRefuser } from '../helpers/fake-postgres.ts';
import { startServeChild, waitFor200 } from '../helpers/serve.ts';

// History as a user meets it: serve writes it, a restart keeps it, history/migrate/store info
// read it back (SQLite and PostgreSQL), and every way of pointing at a store wrongly is one line.

let mock: RunningMock;
let dir: string;
const api = () => `127.0.0.1:${mock.port}`;

/** Runs serve on `store` until it has written `scans` scans, then stops it with SIGTERM. */
async function serveFor(store: string[], scans: number, env: Record<string, string> = {}) {
  const serve = await startServeChild(
    ['--api', api(), '--listen', '127.0.0.1:0', '--interval', '500ms', ...store],
    { env },
  );
  try {
    await waitFor200(`${serve.url}readyz`, 15_000);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ready = (await (await fetch(`${serve.url}readyz`)).json()) as {
        store?: { up: boolean };
      };
      const status = (await (await fetch(`${serve.url}api/v1/status`)).json()) as {
        lastScan: { seq: number } | null;
        store: { written: number; role: string } | null;
      };
      if ((status.store?.written ?? 0) >= scans || status.store?.role === 'standby') {
        return { url: serve.url, ready, status, stderr: serve.stderr, stop: () => stop(serve) };
      }
      if (Date.now() > deadline)
        throw new Error(`serve wrote no ${scans} scans: ${serve.stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    serve.kill();
    throw err;
  }
}

async function stop(serve: Awaited<ReturnType<typeof startServeChild>>) {
  serve.child.kill('SIGTERM');
  const exited = await Promise.race([
    serve.exited,
    new Promise((r) => setTimeout(r, 10_000, null)),
  ]);
  serve.kill();
  assert.deepEqual(exited, { code: 0, signal: null }, serve.stderr());
}

before(async () => {
  mock = await startMock({ host: '127.0.0.1', instances: 30, seed: 3, model: 'fixed' });
  dir = await mkdtemp(join(tmpdir(), 'fleetmon-history-'));
});
after(async () => {
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

describe('history in SQLite', { timeout: 120_000 }, () => {
  let file: string;
  let firstRun: { from: number; to: number };

  before(async () => {
    file = join(dir, 'a', 'history.db');
    const started = Date.now();
    const run = await serveFor(['--store', file], 3);
    assert.match(run.stderr(), /history: sqlite .*history\.db, schema 3 .*migrated 0 → 3/);
    assert.equal((run.ready.store as { up: boolean }).up, true);
    await run.stop();
    firstRun = { from: started, to: Date.now() };
  });

  it('answers an instance with the values the provider served', async () => {
    const ips = (await (await fetch(`http://${api()}/servers`)).json()) as string[];
    const ip = ips[0] ?? '';
    const served = (await (await fetch(`http://${api()}/${ip}`)).json()) as {
      cpu: string;
      memory: string;
      service: string;
    };
    const result = await runCli([
      '--store',
      file,
      'history',
      ip,
      '--since',
      '10m',
      '--step',
      'raw',
      '-o',
      'json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as {
      ip: string;
      service: string;
      cpu: number;
      memory: number;
      status: string;
    }[];
    assert.ok(rows.length >= 3);
    for (const row of rows) {
      assert.equal(row.service, served.service);
      assert.equal(row.cpu, Number.parseFloat(served.cpu));
      assert.equal(row.memory, Number.parseFloat(served.memory));
    }
  });

  it('answers a service as a table with sparklines, and as csv', async () => {
    const services = (await (await fetch(`http://${api()}/servers`)).json()) as string[];
    assert.ok(services.length > 0);
    const list = await runCli(['--store', file, 'history', 'NoSuchService']);
    assert.equal(list.code, 2);
    const name = /known services: ([^,)]+)/.exec(list.stderr)?.[1] ?? '';
    assert.notEqual(name, '', list.stderr);
    const table = await runCli(
      ['--store', file, 'history', name, '--since', '10m', '--step', '1m'],
      {
        env: { TZ: 'UTC' },
      },
    );
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.split('\n');
    assert.match(
      lines[0] ?? '',
      new RegExp(`^${name} · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d → .* · step 1m \\(raw samples\\)`),
    );
    assert.match(lines[1] ?? '', /^cpu {2}[▁-█ ]+ {2}mean [\d.]+%, min [\d.]+%, max [\d.]+%$/);
    assert.match(
      table.stdout,
      /TIME +INSTANCES +HEALTHY +UNREACHABLE +CPU +MIN +MAX +MEMORY +MIN +MAX/,
    );
    const csv = await runCli([
      '--store',
      file,
      'history',
      name,
      '--from',
      String(firstRun.from - 60_000),
      '--step',
      '1m',
      '-o',
      'csv',
    ]);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(
      csv.stdout.split('\n')[0],
      'ts,service,scans,instances,healthy,unhealthy,unreachable,cpu,cpuMin,cpuMax,memory,memoryMin,memoryMax',
    );
  });

  it('keeps history across a restart, and the API serves both runs', async () => {
    const run = await serveFor(['--store', file], 2);
    try {
      const services = (await (await fetch(`${run.url}api/v1/services`)).json()) as {
        service: string;
      }[];
      const name = services[0]?.service ?? '';
      const body = (await (
        await fetch(
          `${run.url}api/v1/history?service=${encodeURIComponent(name)}&from=${firstRun.from}&step=raw`,
        )
      ).json()) as { ts: number[] };
      assert.ok(
        body.ts.some((t) => t < firstRun.to),
        'scans of the first run',
      );
      assert.ok(
        body.ts.some((t) => t > firstRun.to),
        'scans of this run',
      );
    } finally {
      await run.stop();
    }
  });

  it('lists events, reports the store, and migrates nothing twice', async () => {
    const info = await runCli(['--store', file, 'store', 'info', '-o', 'json']);
    assert.equal(info.code, 0, info.stderr);
    const parsed = JSON.parse(info.stdout);
    assert.equal(parsed.backend, 'sqlite');
    assert.deepEqual(parsed.schema, { version: 3, latest: 3 });
    assert.ok(parsed.scans.rows >= 5);
    assert.equal(parsed.writer, null, 'serve gave up the lease when it stopped');
    const migrate = await runCli(['--store', file, 'migrate']);
    assert.match(migrate.stdout, /schema 3 is current; nothing to apply/);
    const events = await runCli(['--store', file, 'history', '10.0.0.1', '--events']);
    assert.equal(events.code, 2, 'an IP the store never saw');
    assert.match(events.stderr, /^fleetmon: no history for 10\.0\.0\.1 in history store/);
  });
});

describe('history stores pointed at wrongly', { timeout: 60_000 }, () => {
  it('says in one line what failed, never the password, and exits 3 (2 for bad usage)', async () => {
    const refuser = await startPasswordRefuser();
    try {
      const cases: [string[], Record<string, string>, number, RegExp][] = [
        [
          ['store', 'info'],
          { DATABASE_URL: `postgres://fm:hunter2@127.0.0.1:${refuser.port}/fleet` },
          3,
          /password authentication failed/,
        ],
        [
          ['history', 'X'],
          { DATABASE_URL: 'postgres://fm:hunter2@127.0.0.1:1/fleet' },
          3,
          /unreachable \(connect ECONNREFUSED 127\.0\.0\.1:1\)/,
        ],
        [
          ['migrate'],
          {
            FLEETMON_STORE: `postgres://postgres:hunter2@127.0.0.1:5432/fleetmon_missing_${process.pid}`,
          },
          3,
          /database does not exist/,
        ],
        [
          ['store', 'info'],
          { DATABASE_URL: 'mysql://fm:hunter2@127.0.0.1/fleet' },
          2,
          /DATABASE_URL: "mysql:\/\/fm@127\.0\.0\.1\/fleet" has an unsupported scheme/,
        ],
        [
          ['history', 'X', '--store', 'memory'],
          {},
          2,
          /--store memory keeps history only inside a running serve/,
        ],
        [
          ['--store', join(dir, 'none', 'history.db'), 'history', 'X'],
          {},
          3,
          /no history store at .*none\/history\.db/,
        ],
      ];
      for (const [args, env, code, message] of cases) {
        const result = await runCli(args, { env });
        assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
        assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
        assert.match(result.stderr, message);
        assert.doesNotMatch(result.stderr + result.stdout, /hunter2/);
      }
    } finally {
      await refuser.close();
    }
  });

  it('takes the flag over FLEETMON_STORE over DATABASE_URL', async () => {
    const file = join(dir, 'precedence', 'h.db');
    const env = {
      FLEETMON_STORE: join(dir, 'nope', 'h.db'),
      DATABASE_URL: 'postgres://x@127.0.0.1:1/db',
    };
    const flag = await runCli(['--store', file, 'migrate'], { env });
    assert.equal(flag.code, 0, flag.stderr);
    const fromEnv = await runCli(['store', 'info'], { env });
    assert.match(fromEnv.stderr, /no history store at .*nope\/h\.db/);
    const fromUrl = await runCli(['store', 'info'], { env: { DATABASE_URL: env.DATABASE_URL } });
    assert.match(fromUrl.stderr, /postgres:\/\/x@127\.0\.0\.1:1\/db: unreachable/);
  });
});

describe('history in PostgreSQL', { timeout: 120_000 }, () => {
  const name = `fleetmon_e2e_${process.pid}_${Date.now().toString(36)}`;
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;

  before(() => adminQuery(`CREATE DATABASE ${name}`));
  after(() => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

  it('migrate --dry-run lists what would apply to an empty database, and applies none of it', async () => {
    const env = { DATABASE_URL: url.href };
    for (let run = 0; run < 2; run++) {
      const dry = await runCli(['migrate', '--dry-run'], { env });
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(
        dry.stdout,
        /: schema 0; would apply:\n {2}0001_history {8}sha256 [0-9a-f]{12}\n {2}0002_probe_results {2}sha256 [0-9a-f]{12}\n {2}0003_alerts {9}sha256 [0-9a-f]{12}\n$/,
      );
    }
  });

  it('lets two serves started together on an empty database migrate once and write once', async () => {
    const env = { DATABASE_URL: url.href };
    const [a, b] = await Promise.all([serveFor([], 4, env), serveFor([], 4, env)]);
    const roles = [a.status.store?.role, b.status.store?.role].sort();
    await Promise.all([a.stop(), b.stop()]);
    assert.deepEqual(roles, ['standby', 'writer']);
    const client = new pg.Client({ connectionString: url.href });
    await client.connect();
    try {
      const migrations = await client.query(
        'SELECT version FROM fleetmon.schema_migrations ORDER BY version',
      );
      assert.deepEqual(
        migrations.rows.map((r) => r.version),
        [1, 2, 3],
      );
      // One writer: every scan time once, and no two scans closer than the interval allows.
      const scans = await client.query('SELECT ts FROM fleetmon.scans ORDER BY ts');
      const ts = scans.rows.map((r) => Number(r.ts));
      assert.ok(ts.length >= 4);
      for (let i = 1; i < ts.length; i++)
        assert.ok((ts[i] ?? 0) - (ts[i - 1] ?? 0) >= 400, `${ts}`);
    } finally {
      await client.end();
    }
    const history = await runCli(['history', 'x', '--since', '10m'], { env });
    assert.equal(history.code, 2);
    assert.match(
      history.stderr,
      /no history for service "x" in history store postgres:\/\/postgres@127\.0\.0\.1:5432\/fleetmon_e2e_/,
    );
    const info = await runCli(['store', 'info'], { env });
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stdout, /^backend +postgres$/m);
  });
});
