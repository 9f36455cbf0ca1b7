import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningMock, startMock } from '../../src/mock/server.ts';
import { BIN, runCli } from '../helpers/cli.ts';
import { eventually } from '../helpers/eventually.ts';
import { startServeChild, waitFor200 } from '../helpers/serve.ts';

// The built CLI in a real pseudo-terminal (tmux), driven by keys and read back from the screen.
const SOCKET = `fleetmon-test-${process.pid}`;
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const skip = hasTmux
  ? false
  : 'tmux is not installed: the live view needs a pseudo-terminal to test';

let mock: RunningMock;
let dir: string;
let sessions = 0;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8', timeout: 5000 });
}

/** What is on the pane's screen now, without colours. */
function screen(session: string): string {
  return tmux('capture-pane', '-p', '-t', session);
}

/** Reads the screen until `predicate` holds for it; fails with the last screen. */
async function waitFor(session: string, predicate: (s: string) => boolean): Promise<string> {
  let last = '';
  const matching = () => {
    last = screen(session);
    return predicate(last) ? last : undefined;
  };
  return eventually('the screen', matching, { everyMs: 100, tries: 100 }).catch(() =>
    assert.fail(`screen never matched; last screen:\n${last}`),
  );
}

/** Starts fleetmon in a fresh tmux window; the exit code lands in a file, the pane stays open. */
function launch(args: string[], size = { columns: 120, rows: 50 }) {
  const session = `s${++sessions}`;
  const exitFile = join(dir, `${session}.exit`);
  const quoted = [BIN, ...args].map((a) => `'${a}'`).join(' ');
  // The history store too is the test's own: never the developer's ~/.local/state.
  const command = `env -u NO_COLOR -u FORCE_COLOR -u FLEETMON_API -u FLEETMON_STORE -u DATABASE_URL XDG_STATE_HOME=${dir} TERM=xterm-256color ${quoted} 2>${join(dir, `${session}.err`)}; echo $? > ${exitFile}; sleep 60`;
  tmux(
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    String(size.columns),
    '-y',
    String(size.rows),
    command,
  );
  return {
    session,
    keys: (...keys: string[]) => tmux('send-keys', '-t', session, ...keys),
    /** The fleetmon process: the pane's shell runs it as its only child. */
    pid: () => {
      const shell = tmux('display-message', '-p', '-t', session, '#{pane_pid}').trim();
      const child = execFileSync('ps', ['-o', 'pid=', '--ppid', shell], { encoding: 'utf8' });
      return Number(child.trim().split(/\s+/)[0]);
    },
    alternateOn: () => tmux('display-message', '-p', '-t', session, '#{alternate_on}').trim(),
    stderr: () => readFileSync(join(dir, `${session}.err`), 'utf8'),
    exitCode(): Promise<number> {
      const written = () => {
        try {
          return Number(readFileSync(exitFile, 'utf8').trim());
        } catch {
          return undefined;
        }
      };
      return eventually('fleetmon exiting', written, { tries: 100 }).catch(() =>
        assert.fail(`fleetmon did not exit; screen:\n${screen(session)}`),
      );
    },
  };
}

function ipNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** IPs in the order they appear on the screen. */
function ipsOnScreen(text: string): string[] {
  return [...text.matchAll(/^[ +](\d+\.\d+\.\d+\.\d+) /gm)].map((m) => m[1] as string);
}

describe('fleetmon monitor on a terminal', { skip }, () => {
  let service = '';
  let members: { ip: string; cpu: number }[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetmon-tui-'));
    mock = await startMock({ host: '127.0.0.1', instances: 60, seed: 7, model: 'fixed' });
    const byService = new Map<string, { ip: string; cpu: number }[]>();
    for (const ip of mock.fleet.ips) {
      const s = mock.fleet.statsAt(ip, 0);
      assert.ok(s);
      byService.set(s.service, [...(byService.get(s.service) ?? []), { ip, cpu: s.cpu }]);
    }
    // A service with enough instances that sorting visibly reorders them.
    [service, members] = [...byService].sort((a, b) => b[1].length - a[1].length)[0] ?? ['', []];
    assert.ok(members.length >= 5);
  });

  after(async () => {
    if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server'], { timeout: 5000 });
    await mock?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('shows every instance, reorders on a sort key, and q exits 0 with the screen restored', async () => {
    const api = `127.0.0.1:${mock.port}`;
    const run = launch(['--api', api, 'monitor', service, '--interval', '500ms']);
    const first = await waitFor(run.session, (s) => members.every((m) => s.includes(m.ip)));
    assert.match(first, new RegExp(`^${service}  ${members.length} instances`));
    assert.equal(run.alternateOn(), '1', 'the live view uses the alternate screen');

    const byCpu = [...members].sort((a, b) => b.cpu - a.cpu || ipNumber(a.ip) - ipNumber(b.ip));
    assert.deepEqual(
      ipsOnScreen(first),
      byCpu.map((m) => m.ip),
      'hot first by default',
    );

    run.keys('i');
    const byIp = members.map((m) => m.ip).sort((a, b) => ipNumber(a) - ipNumber(b));
    await waitFor(run.session, (s) => ipsOnScreen(s).join() === byIp.join() && /sort ip↑/.test(s));
    run.keys('i');
    await waitFor(run.session, (s) => ipsOnScreen(s).join() === [...byIp].reverse().join());

    run.keys('q');
    assert.equal(await run.exitCode(), 0);
    assert.equal(run.alternateOn(), '0', 'alternate screen left');
    assert.doesNotMatch(screen(run.session), /instances/, 'the live view is gone from the screen');
    assert.equal(run.stderr(), '');
  });

  it('opens with the recent past from the history store in its sparklines', async () => {
    const api = `127.0.0.1:${mock.port}`;
    const store = join(dir, 'past.db');
    const serve = await startServeChild([
      '--api',
      api,
      '--listen',
      '127.0.0.1:0',
      '--interval',
      '500ms',
      '--store',
      store,
    ]);
    try {
      await waitFor200(`${serve.url}readyz`, 15_000);
      await eventually(
        'twelve scans written to the store',
        async () => {
          const status = (await (await fetch(`${serve.url}api/v1/status`)).json()) as {
            store: { written: number };
          };
          return status.store.written >= 12 ? true : undefined;
        },
        { everyMs: 200, tries: 100 },
      );
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    // A 2 s interval: the first screen comes long before a second scan could add a bar.
    const run = launch(['--api', api, '--store', store, 'monitor', service, '--interval', '2s']);
    const first = await waitFor(run.session, (s) => members.every((m) => s.includes(m.ip)));
    const line = first.split('\n').find((l) => l.includes(` ${members[0]?.ip} `)) ?? '';
    const bars = [...line].filter((c) => c >= '▁' && c <= '█').length;
    assert.ok(bars >= 6, `cpu and memory sparklines already hold the past: ${line}`);
    run.keys('q');
    assert.equal(await run.exitCode(), 0);
    assert.equal(run.stderr(), '');
  });

  it('lists every service without a name, opens one with enter, and Ctrl-C exits 0', async () => {
    const run = launch(['--api', `127.0.0.1:${mock.port}`, 'monitor', '--interval', '500ms'], {
      columns: 80,
      rows: 24,
    });
    const list = await waitFor(run.session, (s) => s.startsWith('All services') && s.includes('>'));
    const selected = /^>(\S+)/m.exec(list)?.[1];
    assert.ok(selected, list);
    run.keys('Enter');
    await waitFor(run.session, (s) => s.startsWith(`${selected}  `) && s.includes(' IP '));
    run.keys('Escape');
    await waitFor(run.session, (s) => s.startsWith('All services'));
    run.keys('C-c');
    assert.equal(await run.exitCode(), 0);
    assert.equal(run.alternateOn(), '0');
  });

  it('exits 0 with the screen restored on SIGTERM', async () => {
    const run = launch(['--api', `127.0.0.1:${mock.port}`, 'monitor', service]);
    await waitFor(run.session, (s) => s.includes(members[0]?.ip ?? '?'));
    process.kill(run.pid(), 'SIGTERM');
    assert.equal(await run.exitCode(), 0);
    assert.equal(run.alternateOn(), '0');
  });

  it('marks instances that join as new and keeps those that leave as gone', async () => {
    const churning = await startMock({
      host: '127.0.0.1',
      instances: 60,
      seed: 7,
      churn: 0.2,
      churnIntervalMs: 300,
    });
    try {
      const run = launch([
        '--api',
        `127.0.0.1:${churning.port}`,
        'monitor',
        service,
        '--interval',
        '200ms',
      ]);
      const seen = await waitFor(run.session, (s) => /^\+\d/m.test(s) && / gone /.test(s));
      assert.match(seen, /\d+ new · \d+ gone/);
      run.keys('q');
      assert.equal(await run.exitCode(), 0);
    } finally {
      await churning.close();
    }
  });

  it('restores the screen, then says why, when the provider cannot be reached', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const run = launch(['--api', `127.0.0.1:${port}`, '--retries', '0', 'monitor', 'X']);
    assert.equal(await run.exitCode(), 3);
    assert.equal(run.alternateOn(), '0');
    assert.match(run.stderr(), new RegExp(`^fleetmon: .*127\\.0\\.0\\.1:${port}.*refused`));
    assert.equal(run.stderr().trimEnd().split('\n').length, 1, run.stderr());
  });
});

describe('fleetmon monitor in a pipe', () => {
  it('needs a service: the every-service view is for terminals only', async () => {
    const r = await runCli(['--api', 'demo', 'monitor', '--count', '1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^fleetmon: monitor needs a SERVICE when stdout is not a terminal/);
    assert.equal(r.stdout, '');
  });
});
