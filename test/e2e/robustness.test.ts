import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { NON_IP_ENTRIES } from '../../src/mock/faults.ts';
import { type MockOptions, type RunningMock, startMock } from '../../src/mock/server.ts';
import { BIN, cleanEnv, runCli } from '../helpers/cli.ts';
import { eventually } from '../helpers/eventually.ts';
import { ipv6Available } from '../helpers/net.ts';

// Issue #5 end to end: the built CLI against a misbehaving provider. Every command ends within
// its deadline, accounts for every listed instance, says why, and exits with the documented
// code; pipes and signals end it quietly and promptly.
const mocks: RunningMock[] = [];
after(() => Promise.all(mocks.map((m) => m.close())));

async function mock(options: MockOptions): Promise<{ m: RunningMock; api: string }> {
  const m = await startMock({ host: '127.0.0.1', model: 'fixed', seed: 7, ...options });
  mocks.push(m);
  return { m, api: `127.0.0.1:${m.port}` };
}

/** Flags that keep a faulty run short: 300 ms per attempt, one retry, a 10 s scan deadline. */
const FAST = ['--timeout', '300ms', '--retries', '1', '--deadline', '10s'];

interface Row {
  ip: string;
  service: string | null;
  status: string;
  cpu: number | null;
  memory: number | null;
  error?: string;
}

const EVERY_FAULT: MockOptions = {
  instances: 40,
  faultSeed: 5,
  errorRate: 0.05,
  malformedRate: 0.05,
  hangRate: 0.05,
  dropRate: 0.05,
  throttleRate: 0.05,
  cutRate: 0.05,
  trickleRate: 0.05,
  floodRate: 0.05,
  vanishRate: 0.05,
  serversFault: 'non-ip',
};
const JUNK = NON_IP_ENTRIES.map((entry) =>
  typeof entry === 'string' && entry !== '' && !entry.includes('\u001b')
    ? entry
    : JSON.stringify(entry),
);

describe('every fault at once', { concurrency: true }, () => {
  it('instances -o json: every listed entry is a row, the broken ones say why, exit 0', async () => {
    const { m, api } = await mock(EVERY_FAULT);
    const r = await runCli(['--api', api, ...FAST, 'instances', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Row[];
    assert.deepEqual(
      rows.map((row) => row.ip).sort(),
      [...m.fleet.ips, ...JUNK.map((j) => j.replace('\u001b', '\\u001b'))].sort(),
    );
    const broken = rows.filter((row) => row.status === 'unreachable');
    assert.ok(broken.length >= JUNK.length + 1, 'some instances should have failed');
    for (const row of broken) {
      assert.equal(typeof row.error, 'string');
      assert.ok((row.error ?? '').length > 0);
      assert.equal(row.cpu, null);
    }
    for (const row of rows.filter((x) => x.status !== 'unreachable')) {
      const stats = m.fleet.statsAt(row.ip, 0);
      assert.deepEqual(
        [row.cpu, row.memory, row.service],
        [stats?.cpu, stats?.memory, stats?.service],
      );
    }
    assert.match(
      r.stderr,
      /^fleetmon: warning: \/servers: 7 listed entries are not an IP address \(.*\); shown as unreachable\n$/,
    );
  });

  it('instances as a table: a REASON column and the unreachable count in the footer', async () => {
    const { api } = await mock(EVERY_FAULT);
    const r = await runCli(['--api', api, ...FAST, 'instances']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /\bREASON$/);
    assert.ok(lines.some((l) => /\bunreachable\s+-\s+-\s+not an IP address$/.test(l)));
    assert.match(lines.at(-1) ?? '', /^47 instances: .*\d+ unreachable/);
    assert.ok(!r.stdout.includes('\u001b'), 'no escape sequence from the provider reaches stdout');
  });

  it('services and health count every instance, unreachable ones included', async () => {
    const { api } = await mock(EVERY_FAULT);
    const services = await runCli(['--api', api, ...FAST, 'services', '-o', 'json']);
    assert.equal(services.code, 0, services.stderr);
    const rows = JSON.parse(services.stdout) as { instances: number; unreachable: number }[];
    assert.equal(
      rows.reduce((n, row) => n + row.instances, 0),
      47,
    );
    assert.ok(rows.reduce((n, row) => n + row.unreachable, 0) >= 7);
    const health = await runCli(['--api', api, ...FAST, 'health', '-o', 'json']);
    assert.ok(health.code === 0 || health.code === 1, health.stderr);
  });
});

describe('nothing usable', { concurrency: true }, () => {
  it('every stats request failing: every row still shown, exit 3 with the commonest reason', async () => {
    const { m, api } = await mock({ instances: 12, errorRate: 1 });
    const r = await runCli(['--api', api, ...FAST, 'instances', '-o', 'ndjson']);
    assert.equal(r.code, 3);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
    assert.equal(rows.length, m.fleet.ips.length);
    assert.ok(rows.every((row) => row.error === 'HTTP 500'));
    assert.match(
      r.stderr,
      /^fleetmon: none of 12 instances answered usable stats \(12× HTTP 500\)/,
    );
  });

  const listFaults: Array<[fault: NonNullable<MockOptions['serversFault']>, message: RegExp]> = [
    ['error', /\/servers answered HTTP 500 \(/],
    ['hang', /cannot reach http:\/\/127\.0\.0\.1:\d+\/servers: timeout after 300ms \(/],
    ['html', /\/servers answered something that is not a JSON array of IPs \(body is not JSON\)/],
  ];
  for (const [fault, message] of listFaults) {
    for (const command of ['instances', 'services', 'health']) {
      it(`/servers ${fault}: ${command} exits 3 with one line naming the URL`, async () => {
        const { api } = await mock({ instances: 5, serversFault: fault });
        // A run still going after 5 s is killed: it gave up by its own timeouts, or fails here.
        const r = await runCli(['--api', api, ...FAST, command], { timeoutMs: 5000 });
        assert.equal(r.code, 3, r.stderr);
        assert.match(r.stderr, message);
        assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
        assert.equal(r.stdout, '');
      });
    }
  }
});

describe('limits', { concurrency: true }, () => {
  it('--max-instances below the listing: exit 3 naming the limit and the flag', async () => {
    const { api } = await mock({ instances: 50 });
    const r = await runCli(['--api', api, '--max-instances', '20', 'instances']);
    assert.equal(r.code, 3);
    assert.match(
      r.stderr,
      /\/servers lists 50 entries, more than the limit of 20 instances \(.*--max-instances/,
    );
  });

  it('a 50 MB /servers: read no further than --max-instances allows, exit 3', async () => {
    const { api } = await mock({ instances: 20, serversFault: 'flood' });
    const r = await runCli(['--api', api, '--max-instances', '1000', 'instances'], {
      timeoutMs: 5000,
    });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /\/servers answered more than 63\.5 KiB, the most 1000 instances need/);
  });

  it('50 MB bodies: read no further than --max-body, in bounded time', async () => {
    const { api } = await mock({ instances: 8, floodRate: 1 });
    const r = await runCli(
      ['--api', api, ...FAST, '--max-body', '64KiB', 'instances', '-o', 'json'],
      { timeoutMs: 5000 },
    );
    assert.equal(r.code, 3);
    const rows = JSON.parse(r.stdout) as Row[];
    assert.equal(rows.length, 8);
    assert.ok(rows.every((row) => row.error === 'body larger than 64 KiB'));
  });

  it('FLEETMON_MAX_INSTANCES is a setting like any other, and a bad one is exit 2', async () => {
    const r = await runCli(['--api', 'demo', 'instances'], {
      env: { FLEETMON_MAX_INSTANCES: 'lots' },
    });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^fleetmon: FLEETMON_MAX_INSTANCES: "lots" is not valid; expected a whole number/,
    );
  });
});

describe('a provider that cannot be reached', { concurrency: true }, () => {
  it('IPv6-only provider dialled over IPv4: exit 3, one line', async (t) => {
    if (!(await ipv6Available())) return t.skip('no IPv6 loopback here');
    const m = await startMock({ host: '::1', instances: 3 });
    mocks.push(m);
    const r = await runCli(['--api', `127.0.0.1:${m.port}`, ...FAST, 'instances']);
    assert.equal(r.code, 3);
    assert.match(
      r.stderr,
      new RegExp(
        `^fleetmon: cannot reach http://127\\.0\\.0\\.1:${m.port}/servers: connection refused`,
      ),
    );
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  });

  it('IPv4-only provider dialled over IPv6: exit 3, one line', async (t) => {
    if (!(await ipv6Available())) return t.skip('no IPv6 loopback here');
    const { m } = await mock({ instances: 3 });
    const r = await runCli(['--api', `[::1]:${m.port}`, ...FAST, 'health']);
    assert.equal(r.code, 3);
    assert.match(
      r.stderr,
      new RegExp(`^fleetmon: cannot reach http://\\[::1\\]:${m.port}/servers: connection refused`),
    );
  });

  it('a name that does not resolve: exit 3, one line', async () => {
    const r = await runCli(['--api', 'cpx.fleetmon-test.invalid:9001', ...FAST, 'services']);
    assert.equal(r.code, 3);
    assert.match(
      r.stderr,
      /^fleetmon: cannot reach http:\/\/cpx\.fleetmon-test\.invalid:9001\/servers: /,
    );
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  });
});

/** Runs `fleetmon args | head -1` in a shell; resolves with fleetmon's own exit status and stderr. */
function pipeToHead(
  args: readonly string[],
): Promise<{ status: number; line: string; stderr: string }> {
  const quoted = [BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`);
  const script = `${quoted.join(' ')} | head -1; echo "status=\${PIPESTATUS[0]}" >&2`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const limit = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(limit);
      const status = Number(/status=(\d+)/.exec(stderr)?.[1] ?? Number.NaN);
      resolve({ status, line: stdout, stderr: stderr.replace(/status=\d+\n/, '') });
    });
  });
}

describe('pipes', { concurrency: true }, () => {
  // 2000 instances are over 100 KB of output: more than a pipe holds, so fleetmon meets EPIPE.
  for (const format of ['table', 'ndjson', 'csv']) {
    it(`instances -o ${format} | head -1 exits 0 without a word`, async () => {
      const { api } = await mock({ instances: 2000 });
      const r = await pipeToHead(['--api', api, '--concurrency', '32', 'instances', '-o', format]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.equal(r.line.split('\n').length, 2);
    });
  }

  it('monitor | head -1 exits 0 at the next tick without a word', async () => {
    const { m, api } = await mock({ instances: 2000 });
    const service = m.fleet.serviceOf(m.fleet.ips[0] ?? '') ?? '';
    const r = await pipeToHead([
      '--api',
      api,
      '--concurrency',
      '32',
      'monitor',
      service,
      '--interval',
      '100ms',
      '-o',
      'ndjson',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.line, /^\{"ts":.*"ip":/);
  });
});

describe('signals', { concurrency: true }, () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} during a scan stops the requests in flight and exits ${code} at once`, async () => {
      // Every stats request hangs and the timeout is long: only the signal can end this scan.
      const { m, api } = await mock({ instances: 30, hangRate: 1 });
      let kill: (s: NodeJS.Signals) => void = () => undefined;
      const run = runCli(['--api', api, '--timeout', '30s', 'instances'], {
        timeoutMs: 10_000,
        onSpawn: (k) => {
          kill = k;
        },
      });
      await eventually('the scan starting', () => m.stats.requests >= 5 || undefined);
      kill(signal);
      // Without the signal the scan would end only at its 30 s timeout, after runCli's limit.
      const r = await run;
      assert.equal(r.code, code, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `fleetmon: interrupted by ${signal}\n`);
    });
  }

  it('monitor keeps polling through a /servers outage after the first tick, and exits 0', async () => {
    const { m, api } = await mock({ instances: 30, serversFault: 'error', serversFaultAfter: 1 });
    const service = m.fleet.serviceOf(m.fleet.ips[0] ?? '') ?? '';
    const r = await runCli([
      '--api',
      api,
      ...FAST,
      'monitor',
      service,
      '--interval',
      '100ms',
      '--count',
      '3',
      '-o',
      'ndjson',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const ticks = new Set(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { ts: unknown }).ts),
    );
    assert.equal(ticks.size, 1);
    const failures = r.stderr.trimEnd().split('\n');
    assert.equal(failures.length, 2, r.stderr);
    for (const line of failures)
      assert.match(line, /^fleetmon: \S+ scan failed: .*\/servers answered HTTP 500$/);
  });
});
