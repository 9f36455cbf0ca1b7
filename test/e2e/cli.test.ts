import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningMock, startMock } from '../../src/mock/server.ts';
import { BIN, cleanEnv, runCli } from '../helpers/cli.ts';
import { freePort } from '../helpers/net.ts';

// The built CLI as a user runs it, against the simulated provider on a loopback port.
let mock: RunningMock;
let api: string;

before(async () => {
  mock = await startMock({ host: '127.0.0.1', instances: 40, seed: 7, model: 'fixed' });
  api = `127.0.0.1:${mock.port}`;
});
after(() => mock.close());

interface Expected {
  ip: string;
  service: string;
  status: string;
  cpu: number;
  memory: number;
}

/** What the fleet holds, computed here independently of fleetmon's own code. */
function expectedInstances(): Expected[] {
  return mock.fleet.ips
    .map((ip) => {
      const s = mock.fleet.statsAt(ip, 0);
      assert.ok(s);
      const status = s.cpu < 75 && s.memory < 75 ? 'healthy' : 'unhealthy';
      return { ip, service: s.service, status, cpu: s.cpu, memory: s.memory };
    })
    .sort((a, b) => ipNumber(a.ip) - ipNumber(b.ip));
}

function ipNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function expectedServices(): Map<string, Expected[]> {
  const byService = new Map<string, Expected[]>();
  for (const row of expectedInstances()) {
    byService.set(row.service, [...(byService.get(row.service) ?? []), row]);
  }
  return byService;
}

describe('fleetmon instances', () => {
  it('lists every instance as JSON, sorted by IP numerically', async () => {
    const r = await runCli(['--api', api, 'instances', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), expectedInstances());
  });

  it('filters by service and status and sorts by a field, descending', async () => {
    const [service] = expectedServices().keys();
    assert.ok(service);
    const r = await runCli([
      '--api',
      api,
      'instances',
      '--service',
      service.toLowerCase(),
      '--sort',
      '-cpu',
      '-o',
      'ndjson',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Expected);
    assert.ok(rows.every((row) => row.service === service));
    assert.deepEqual(
      rows.map((row) => row.cpu),
      [...rows.map((row) => row.cpu)].sort((a, b) => b - a),
    );
    assert.equal(rows.length, expectedServices().get(service)?.length);
  });

  it('prints an aligned table with the rule in force and no escape codes in a pipe', async () => {
    const r = await runCli(['--api', api, 'instances']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes('\x1b['), 'escape codes in a pipe');
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^IP\s+SERVICE\s+STATUS\s+CPU\s+MEMORY$/);
    assert.equal(lines.length, 1 + 40 + 1);
    assert.match(lines.at(-1) ?? '', /healthy = cpu < 75% and memory < 75%/);
  });

  it('writes csv with a header and one line per instance', async () => {
    const r = await runCli(['--api', api, 'instances', '-o', 'csv']);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'ip,service,status,cpu,memory,error');
    assert.equal(lines.length, 41);
  });

  it('colours the table when asked, even in a pipe', async () => {
    const r = await runCli(['--api', api, 'instances', '--color']);
    assert.ok(r.stdout.includes('\x1b[32mhealthy'), 'green healthy');
  });

  it('--stats adds one line on stderr about the requests, and leaves stdout as it was', async () => {
    const r = await runCli(['--api', api, '--stats', 'services', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).length, expectedServices().size);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0] ?? '',
      /^fleetmon: stats: 41 requests in [\d.]+ m?s \(\d+\/s\), no retries · answers: median [\d.]+ m?s, p99 [\d.]+ m?s, max [\d.]+ m?s · \d+ connections? · window 64 of 64, never cut$/,
    );
  });
});

describe('fleetmon services and health', () => {
  it('gives per-service counts and means', async () => {
    const r = await runCli(['--api', api, 'services', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const expected = [...expectedServices()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([service, rows]) => {
        const healthy = rows.filter((x) => x.status === 'healthy').length;
        return {
          service,
          instances: rows.length,
          healthy,
          unhealthy: rows.length - healthy,
          unreachable: 0,
          cpu: rows.reduce((sum, x) => sum + x.cpu, 0) / rows.length,
          memory: rows.reduce((sum, x) => sum + x.memory, 0) / rows.length,
          status: healthy >= 2 ? 'ok' : 'flagged',
        };
      });
    assert.deepEqual(JSON.parse(r.stdout), expected);
  });

  it('shows only the named services, and rejects unknown names with exit 2', async () => {
    const [first] = expectedServices().keys();
    const r = await runCli(['--api', api, 'services', String(first), '-o', 'json']);
    assert.deepEqual(
      JSON.parse(r.stdout).map((s: { service: string }) => s.service),
      [first],
    );
    const bad = await runCli(['--api', api, 'services', 'NoSuchService']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^fleetmon: no service named "NoSuchService".*known services: /);
  });

  it('exits 1 exactly when some service is flagged, consistently with its rows', async () => {
    for (const minHealthy of ['0', '2', '8']) {
      const r = await runCli(['--api', api, 'health', '--min-healthy', minHealthy, '-o', 'json']);
      const rows = JSON.parse(r.stdout) as { healthy: number; required: number; status: string }[];
      for (const row of rows) {
        assert.equal(row.required, Number(minHealthy));
        assert.equal(row.status, row.healthy >= row.required ? 'ok' : 'flagged');
      }
      assert.equal(
        r.code,
        rows.some((row) => row.status === 'flagged') ? 1 : 0,
        `--min-healthy ${minHealthy}`,
      );
    }
  });
});

describe("the original utility's flags", () => {
  it('--summary is the instances table', async () => {
    const [legacy, modern] = await Promise.all([
      runCli([api, '--summary']),
      runCli(['--api', api, 'instances']),
    ]);
    assert.equal(legacy.code, 0, legacy.stderr);
    assert.equal(legacy.stdout, modern.stdout);
  });

  it('-ss NAME is the services table for that service', async () => {
    const [first] = expectedServices().keys();
    const r = await runCli([api, '-ss', String(first)]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${first}\\s`, 'm'));
  });

  it('-hi N -hc is health with that quorum, with its exit code', async () => {
    const [legacy, modern] = await Promise.all([
      runCli([api, '-hi', '1', '-hc']),
      runCli(['--api', api, 'health', '--min-healthy', '1']),
    ]);
    assert.equal(legacy.stdout, modern.stdout);
    assert.equal(legacy.code, modern.code);
  });

  it('-ms NAME monitors that service', async () => {
    const [first] = expectedServices().keys();
    const r = await runCli([api, '-ms', String(first), '--count', '1', '-o', 'ndjson']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, expectedServices().get(String(first))?.length);
  });
});

describe('fleetmon monitor', () => {
  it('streams one ndjson line per instance per tick in a pipe', async () => {
    const [service, rows] = [...expectedServices()].find(([, list]) => list.length >= 2) ?? [];
    assert.ok(service && rows);
    const r = await runCli([
      '--api',
      api,
      'monitor',
      service,
      '--interval',
      '100ms',
      '--count',
      '3',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, rows.length * 3);
    assert.deepEqual(Object.keys(lines[0]), ['ts', 'ip', 'service', 'status', 'cpu', 'memory']);
    assert.equal(new Set(lines.map((l) => l.ts)).size, 3);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`exits 0 on ${signal} without waiting for the next tick`, async () => {
      const [service] = expectedServices().keys();
      let sent = false;
      // The next tick is an hour away: only the signal can end the wait before runCli's limit.
      const r = await runCli(['--api', api, 'monitor', String(service), '--interval', '1h'], {
        onStdout: (_chunk, kill) => {
          if (!sent) {
            sent = true;
            kill(signal);
          }
        },
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.signal, null);
    });
  }

  it('warns once about an odd /servers list, not once per tick', async () => {
    const odd = await startMock({
      host: '127.0.0.1',
      instances: 6,
      seed: 7,
      model: 'fixed',
      serversFault: 'duplicates',
    });
    try {
      const oddApi = `127.0.0.1:${odd.port}`;
      const service = odd.fleet.statsAt(odd.fleet.ips[0] ?? '', 0)?.service ?? '';
      const warning = /^fleetmon: warning: \/servers: ignored 6 duplicate entries/;
      const once = await runCli(['--api', oddApi, 'instances', '-o', 'json']);
      assert.equal(once.code, 0, once.stderr);
      assert.match(once.stderr, warning);
      const args = ['--api', oddApi, 'monitor', service, '--interval', '100ms', '--count', '3'];
      const r = await runCli(args);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stderr.split('\n').filter((line) => warning.test(line));
      assert.equal(lines.length, 1, r.stderr);
    } finally {
      await odd.close();
    }
  });

  it('says which services exist when the one asked for does not', async () => {
    const r = await runCli(['--api', api, 'monitor', 'Nope', '--count', '1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no service named "Nope" in this fleet \(known services/);
  });

  it('says once, for every command, that no instance answered usable stats', async () => {
    const gone = await startMock({ host: '127.0.0.1', instances: 3, vanishRate: 1 });
    try {
      for (const args of [['services', 'UserService'], ['instances'], ['health']]) {
        const r = await runCli(['--api', `127.0.0.1:${gone.port}`, ...args]);
        assert.equal(r.code, 3, args.join(' '));
        assert.match(
          r.stderr,
          /^fleetmon: none of 3 instances answered usable stats \(3× HTTP 400/,
        );
        assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      }
    } finally {
      await gone.close();
    }
  });
});

describe('the embedded demo fleet', () => {
  it('answers every command with zero set-up', async () => {
    const instances = await runCli(['--api', 'demo', 'instances', '-o', 'json']);
    assert.equal(instances.code, 0, instances.stderr);
    assert.equal(JSON.parse(instances.stdout).length, 150);
    const health = await runCli(['--api', 'demo', 'health']);
    assert.equal(health.code, 1, 'the demo fleet has services short of healthy instances');
    assert.match(health.stdout, /FLAGGED/);
  });

  it('is chosen by FLEETMON_API too', async () => {
    const r = await runCli(['services', '-o', 'json'], { env: { FLEETMON_API: 'demo' } });
    assert.equal(r.code, 0, r.stderr);
  });
});

describe('bad input and an unreachable provider', () => {
  const cases: {
    name: string;
    args: string[];
    env?: Record<string, string>;
    code: number;
    message: RegExp;
  }[] = [
    {
      name: 'a bad number',
      args: ['--api', 'demo', '--concurrency', 'abc', 'instances'],
      code: 2,
      message: /--concurrency: "abc" is not valid; expected a whole number/,
    },
    {
      name: 'a request rate of zero',
      args: ['--api', 'demo', '--rate', '0', 'instances'],
      code: 2,
      message: /--rate: "0" is not valid; expected a number from 0.1 to 1000000/,
    },
    {
      name: 'a bad request rate in the environment',
      args: ['--api', 'demo', 'instances'],
      env: { FLEETMON_RATE: 'fast' },
      code: 2,
      message: /FLEETMON_RATE: "fast" is not valid/,
    },
    {
      name: 'a bad duration',
      args: ['--api', 'demo', '--timeout', '5 minutes', 'instances'],
      code: 2,
      message: /--timeout/,
    },
    {
      name: 'a bad format',
      args: ['--api', 'demo', '-o', 'xml', 'instances'],
      code: 2,
      message: /--output: "xml" is not valid; expected one of table, wide, json, ndjson, csv/,
    },
    {
      name: 'an unknown option',
      args: ['instances', '--frobnicate'],
      code: 2,
      message: /unknown option '--frobnicate'/,
    },
    {
      name: 'an unknown command',
      args: ['instancez'],
      code: 2,
      message: /unknown command 'instancez'/,
    },
    {
      name: 'an unparsable --api',
      args: ['--api', 'ht!tp://x y', 'instances'],
      code: 2,
      message: /--api: "ht!tp:\/\/x y" contains spaces; expected http/,
    },
    {
      name: 'no provider at all',
      args: ['instances'],
      code: 2,
      message: /no provider given .*--api demo/,
    },
    {
      name: 'a bad env value',
      args: ['--api', 'demo', 'instances'],
      env: { FLEETMON_RETRIES: 'many' },
      code: 2,
      message: /FLEETMON_RETRIES: "many"/,
    },
    {
      name: 'a bad --sort field',
      args: ['--api', 'demo', 'instances', '--sort', 'speed'],
      code: 2,
      message: /--sort: "speed".*ip, service, status, cpu, memory/,
    },
    {
      name: 'a bad provider address in the environment',
      args: ['instances'],
      env: { FLEETMON_API: 'http://' },
      code: 2,
      message: /^fleetmon: FLEETMON_API: "http:\/\/" has no host; expected http/,
    },
    {
      name: 'a misspelt --service',
      args: ['--api', 'demo', 'instances', '--service', 'UserSevice'],
      code: 2,
      message: /no service named "UserSevice" in this fleet \(known services: .*UserService/,
    },
    {
      name: "the original utility's address without a flag",
      args: ['localhost:9001'],
      code: 2,
      message:
        /"localhost:9001" is not a command \(to scan that provider, pass --api localhost:9001 .*--summary/,
    },
    {
      name: 'a bad command option in the environment',
      args: ['--api', 'demo', 'monitor', 'UserService'],
      env: { FLEETMON_MONITOR_INTERVAL: 'soon' },
      code: 2,
      message: /^fleetmon: FLEETMON_MONITOR_INTERVAL: "soon" is not valid; expected a duration/,
    },
    {
      name: 'a missing config file',
      args: ['--config', '/nonexistent/fleetmon.json', 'instances'],
      code: 2,
      message: /config file \/nonexistent\/fleetmon.json: no such file/,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: exit ${c.code}, one line, no stack trace`, async () => {
      const r = await runCli(c.args, c.env ? { env: c.env } : {});
      assert.equal(r.code, c.code, r.stderr);
      assert.match(r.stderr, c.message);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
      assert.equal(r.stdout, '');
    });
  }

  it('a config file with an unknown key names it and what is allowed', async () => {
    const file = join(tmpdir(), `fleetmon-test-${process.pid}.json`);
    await writeFile(file, JSON.stringify({ api: 'demo', colour: true }));
    const r = await runCli(['--config', file, 'instances']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown key "colour" \(allowed: api, output,/);
  });

  it('a bad value in a YAML config file names file:line:column and the key', async () => {
    const file = join(tmpdir(), `fleetmon-test-${process.pid}.yaml`);
    await writeFile(file, 'api: demo\nmonitor:\n  interval: soon\n');
    const r = await runCli(['--config', file, 'monitor', 'UserService']);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `fleetmon: ${file}:3:13: monitor.interval: "soon" is not valid; expected a duration such as 500ms, 5s or 1m (100ms to 86400s)\n`,
    );
  });

  it('config check: ok, or every problem as file:line:column with exit 2', async () => {
    const good = join(tmpdir(), `fleetmon-test-good-${process.pid}.yaml`);
    await writeFile(good, 'api: demo\ntimeout: 2s\nserve:\n  interval: 30s\n');
    const ok = await runCli(['config', 'check', good]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, `${good}: ok (api, timeout, serve)\n`);
    const bad = join(tmpdir(), `fleetmon-test-bad-${process.pid}.yaml`);
    await writeFile(bad, 'api: demo\ntimeout: forever\nserve:\n  intervall: 30s\n');
    const r = await runCli(['config', 'check', bad], { env: { FLEETMON_API: 'http://' } });
    assert.equal(r.code, 2);
    assert.deepEqual(r.stderr.trimEnd().split('\n'), [
      `${bad}:2:10: timeout: "forever" is not valid; expected a duration such as 500ms, 5s or 1m (10ms to 600s)`,
      `${bad}:4:3: unknown key "intervall" in serve (did you mean "interval"?)`,
      `fleetmon: ${bad}: 2 problems`,
    ]);
  });

  it('a command option resolves flag > environment > config file section', async () => {
    const file = join(tmpdir(), `fleetmon-test-section-${process.pid}.yaml`);
    await writeFile(file, `api: ${api}\ninstances:\n  sort: -memory\n  status: [healthy]\n`);
    const fromFile = await runCli(['--config', file, 'instances', '-o', 'json']);
    const rows = JSON.parse(fromFile.stdout) as Expected[];
    assert.ok(rows.length > 0 && rows.every((row) => row.status === 'healthy'));
    assert.deepEqual(
      rows.map((row) => row.memory),
      [...rows.map((row) => row.memory)].sort((a, b) => b - a),
    );
    const fromEnv = await runCli(['--config', file, 'instances', '-o', 'json'], {
      env: { FLEETMON_INSTANCES_STATUS: 'unhealthy' },
    });
    assert.ok((JSON.parse(fromEnv.stdout) as Expected[]).every((r) => r.status === 'unhealthy'));
    const fromFlag = await runCli(
      ['--config', file, 'instances', '-o', 'json', '--status', 'unhealthy,healthy'],
      { env: { FLEETMON_INSTANCES_STATUS: 'unhealthy' } },
    );
    assert.equal((JSON.parse(fromFlag.stdout) as Expected[]).length, expectedInstances().length);
  });

  it('flags override env, which overrides the config file', async () => {
    const file = join(tmpdir(), `fleetmon-test-prec-${process.pid}.json`);
    await writeFile(file, JSON.stringify({ api: 'demo', output: 'csv', minHealthy: 99 }));
    const r = await runCli(['--config', file, '--min-healthy', '1', 'health'], {
      env: { FLEETMON_OUTPUT: 'json' },
    });
    const rows = JSON.parse(r.stdout) as { required: number }[];
    assert.ok(rows.every((row) => row.required === 1));
  });

  it('a closed port: exit 3 and a line naming the URL and the failure', async () => {
    const port = await freePort();
    const r = await runCli(['--api', `127.0.0.1:${port}`, '--retries', '0', 'instances']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port}.*refused`));
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  });

  it('--version (package version, build number, commit) and --help exit 0', async () => {
    const version = await runCli(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\+(dev|build\.[0-9A-Za-z-]+)(\.g[0-9a-f]{7})?\n$/);
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    for (const command of ['instances', 'services', 'health', 'monitor', 'mock'])
      assert.match(help.stdout, new RegExp(command));
  });
});

describe('bin/fleetmon as a user types it', () => {
  it('runs a long-running command again without the one-shot V8 flags, in the same process', async (t) => {
    if (!existsSync('/proc/self/cmdline')) {
      t.skip('needs /proc');
      return;
    }
    // The launcher execs Node: the process it started is Node itself, V8 flags and all.
    const child = spawn(BIN, ['mock', '--host', '127.0.0.1', '--port', '0', '--instances', '3'], {
      env: cleanEnv(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve, reject) => {
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        if (stderr.includes('Ctrl-C stops')) resolve();
      });
      child.on('close', () => reject(new Error(`mock ended early: ${stderr}`)));
    });
    const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.ok(cmdline.includes('--max-semi-space-size=16'), cmdline.join(' '));
    assert.ok(!cmdline.includes('--no-concurrent-recompilation'), cmdline.join(' '));
  });
});
