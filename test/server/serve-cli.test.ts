import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningMock, startMock } from '../../src/mock/server.ts';
import { runCli } from '../helpers/cli.ts';
import { eventually } from '../helpers/eventually.ts';
import { parsePrometheusText } from '../helpers/prom-text.ts';
import { rawExchange, rawGet } from '../helpers/raw-http.ts';
import { readEvents, startServeChild, waitFor200 } from '../helpers/serve.ts';

// The built `bin/fleetmon serve` as a process: flags, exit codes, and graceful SIGTERM.
let mock: RunningMock;

before(async () => {
  mock = await startMock({ host: '127.0.0.1', instances: 5000, seed: 3, model: 'fixed' });
});
after(() => mock.close());

describe('fleetmon serve', () => {
  it('refuses a public --listen address without --listen-public, in one line, exit 2', async () => {
    const r = await runCli(['serve', '--api', 'demo', '--listen', '0.0.0.0:0']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(
      r.stderr,
      /--listen 0\.0\.0\.0:0 can be reached from other machines.*--listen-public/,
    );
  });

  it('rejects bad flags with exit 2 and never echoes a password', async () => {
    const bad: [string[], RegExp][] = [
      [['--listen', 'nowhere'], /--listen: "nowhere" has no port/],
      [['--interval', 'soon'], /--interval: "soon" is not valid/],
      [['--history', '30d'], /--history: "30d" is not valid/],
      [['--store', 'memory', '--interval', '1s', '--history', '2h'], /more than 2880 scans/],
      [['--auth-token', 'short'], /--auth-token: the value is too short/],
      [
        ['--basic-auth', 'hunter2-no-colon'],
        /--basic-auth: the value is not valid; expected user:password/,
      ],
      [['--allow-host', 'http://x'], /--allow-host: "http:\/\/x" is not a host name; expected/],
      [['--max-connections', '1'], /--max-connections: "1" is not valid; expected a whole number/],
      [['--max-streams', '500'], /--max-streams 500 leaves no connection for anything else/],
    ];
    for (const [args, message] of bad) {
      const r = await runCli(['serve', '--api', 'demo', ...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /hunter2/);
    }
  });

  it('answers the Host names --allow-host or FLEETMON_ALLOW_HOSTS name, and 421 to others', async () => {
    const hostOf = async (port: number, host: string) =>
      (await rawExchange(port, rawGet('/healthz', { Host: host, Connection: 'close' }))).status;
    const flag = await startServeChild([
      '--api',
      'demo',
      '--listen',
      '127.0.0.1:0',
      '--allow-host',
      'dash.example.com',
      '--allow-host',
      '*.svc,10.1.2.3',
    ]);
    const env = await startServeChild(['--api', 'demo', '--listen', '127.0.0.1:0'], {
      env: { FLEETMON_ALLOW_HOSTS: 'Dash.Example.com' },
    });
    try {
      const port = Number(new URL(flag.url).port);
      assert.equal(await hostOf(port, 'dash.example.com:8080'), 200);
      assert.equal(await hostOf(port, 'fleetmon.monitoring.svc'), 200);
      assert.equal(await hostOf(port, '10.1.2.3'), 200);
      assert.equal(await hostOf(port, 'localhost'), 200);
      assert.equal(await hostOf(port, 'evil.example.com'), 421);
      assert.equal(await hostOf(port, '10.1.2.4'), 421);
      const envPort = Number(new URL(env.url).port);
      assert.equal(await hostOf(envPort, 'dash.example.com'), 200);
      assert.equal(await hostOf(envPort, 'evil.example.com'), 421);
    } finally {
      flag.kill();
      env.kill();
    }
  });

  it('answers streams past --max-streams 503', async () => {
    const serve = await startServeChild([
      '--api',
      'demo',
      '--listen',
      '127.0.0.1:0',
      '--max-streams',
      '2',
    ]);
    try {
      const open = await Promise.all(
        [1, 2].map(() => readEvents(`${serve.url}api/v1/stream`, 'scan', 1)),
      );
      const third = await fetch(`${serve.url}api/v1/stream`);
      assert.equal(third.status, 503);
      assert.match(((await third.json()) as { message: string }).message, /--max-streams/);
      for (const stream of open) stream.close();
    } finally {
      serve.kill();
    }
  });

  it('reads secrets from files, says what is wrong with one, and never echoes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetmon-secrets-'));
    try {
      const token = join(dir, 'token');
      writeFileSync(token, 'file-token-0123456789\n', { mode: 0o600 });
      const short = join(dir, 'short');
      writeFileSync(short, 'hunter2\n');
      const bad: [string[], Record<string, string>, RegExp][] = [
        [['--auth-token-file', join(dir, 'none')], {}, /--auth-token-file .*none: no such file$/m],
        [['--auth-token-file', dir], {}, /--auth-token-file .*: is a directory, not a file$/m],
        [['--auth-token-file', short], {}, /--auth-token-file .*short: what it holds is too short/],
        [
          ['--basic-auth-file', short],
          {},
          /--basic-auth-file .*short: what it holds is not valid; expected user:password/,
        ],
        [
          ['--auth-token', 'x'.repeat(10), '--auth-token-file', token],
          {},
          /--auth-token and --auth-token-file \(or their FLEETMON_ variables\) are both given/,
        ],
        [
          [],
          { FLEETMON_AUTH_TOKEN: 'x'.repeat(10), FLEETMON_AUTH_TOKEN_FILE: token },
          /--auth-token and --auth-token-file \(or their FLEETMON_ variables\) are both given/,
        ],
      ];
      for (const [args, env, message] of bad) {
        const r = await runCli(['serve', '--api', 'demo', ...args], { env });
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message);
        assert.doesNotMatch(r.stderr, /hunter2|file-token/);
      }
      for (const [args, env] of [
        [['--auth-token-file', token], {}],
        [[], { FLEETMON_AUTH_TOKEN_FILE: token }],
      ] as const) {
        const serve = await startServeChild(['--api', 'demo', '--listen', '127.0.0.1:0', ...args], {
          env,
        });
        try {
          assert.equal((await fetch(`${serve.url}version`)).status, 401);
          const ok = await fetch(`${serve.url}version`, {
            headers: { Authorization: 'Bearer file-token-0123456789' },
          });
          assert.equal(ok.status, 200);
        } finally {
          serve.kill();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says in --help that the environment keeps secrets out of ps', async () => {
    const r = await runCli(['serve', '--help']);
    assert.match(
      r.stdout.replace(/\s+/g, ' '),
      /see flags in ps, so the environment variable \(or a file\) is safer \(env FLEETMON_AUTH_TOKEN\)/,
    );
  });

  it('says clearly when the port is in use, exit 2', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const address = busy.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const r = await runCli(['serve', '--api', 'demo', '--listen', `127.0.0.1:${port}`]);
      assert.equal(r.code, 2);
      assert.match(
        r.stderr,
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the address is already in use`),
      );
    } finally {
      busy.close();
    }
  });

  it('takes credentials from the environment, and logs neither them nor headers', async () => {
    const serve = await startServeChild(
      ['--api', `127.0.0.1:${mock.port}`, '--listen', '127.0.0.1:0'],
      {
        env: { FLEETMON_BASIC_AUTH: 'ops:env-secret-pw' },
      },
    );
    try {
      assert.equal((await fetch(`${serve.url}version`)).status, 401);
      const auth = `Basic ${Buffer.from('ops:env-secret-pw').toString('base64')}`;
      await waitFor200(`${serve.url}readyz`, 15_000, { headers: { Authorization: auth } });
      serve.child.kill('SIGTERM');
      assert.equal((await serve.exited).code, 0);
      assert.doesNotMatch(serve.stderr(), /env-secret-pw|b3BzOmVudi1zZWNyZXQtcHc/);
    } finally {
      serve.kill();
    }
  });

  it('on SIGTERM finishes the response in flight, ends live streams, and exits 0', async () => {
    const serve = await startServeChild([
      '--api',
      `127.0.0.1:${mock.port}`,
      '--listen',
      '127.0.0.1:0',
      '--interval',
      '1s',
      '--concurrency',
      '32',
    ]);
    try {
      await waitFor200(`${serve.url}readyz`, 20_000);
      const stream = await readEvents(`${serve.url}api/v1/stream`, 'scan', 1);
      // A large answer (5000 instances of metrics) whose headers have arrived: in flight.
      const body = new Promise<{ status: number; text: string }>((resolve, reject) => {
        get(`${serve.url}metrics`, (res) => {
          res.pause();
          serve.child.kill('SIGTERM');
          // Read the rest only once serve is shutting down, so the answer is still in flight then.
          eventually('serve shutting down', () => /shutting down/.test(serve.stderr()) || undefined)
            .then(() => {
              let text = '';
              res.setEncoding('utf8').on('data', (c: string) => {
                text += c;
              });
              res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
              res.on('error', reject);
              res.resume();
            })
            .catch(reject);
        }).on('error', reject);
      });
      const answer = await body;
      assert.equal(answer.status, 200);
      const families = parsePrometheusText(answer.text);
      assert.equal(families.get('fleetmon_instance_up')?.samples.length, 5000);
      await stream.ended;
      const { code } = await serve.exited;
      assert.equal(code, 0, serve.stderr());
      assert.match(serve.stderr(), /shutting down/);
    } finally {
      serve.kill();
    }
  });
});
