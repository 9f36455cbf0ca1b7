import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type Received,
  type ReceiverServer,
  startReceiver,
} from '../../src/alert/receiver-server.test-helper.ts';
import type { AlertRow, SilenceRow } from '../../src/core/alert-types.ts';
import { runCli } from '../helpers/cli.ts';
import { eventually } from '../helpers/eventually.ts';
import { type ServeChild, startServeChild } from '../helpers/serve.ts';

// The built CLI as users run it: `serve` with alerting from a config file, a webhook on loopback,
// and `fleetmon alerts` / `fleetmon silence` talking to that serve with its token.
const TOKEN = 'alerts-e2e-token';
let dir: string;
let hook: ReceiverServer;
let serve: ServeChild;

const withToken = { env: { FLEETMON_AUTH_TOKEN: TOKEN } };
const firing = (received: readonly Received[]) =>
  received.flatMap((r) =>
    (r.body as { alerts: { status: string; labels: Record<string, string> }[] }).alerts
      .filter((a) => a.status === 'firing')
      .map((a) => a.labels.service),
  );

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetmon-alerts-'));
  hook = await startReceiver();
  await writeFile(
    join(dir, 'fleetmon.yaml'),
    `alerts:
  builtins: false
  rules:
    - name: ServiceFlagged
      failures: 1
      of: 1
      summary: "{{service}}: {{healthy}} of {{required}} healthy"
  receivers:
    - name: hook
      webhook: { url: "${hook.url}" }
    - name: log
      log: {}
`,
  );
  serve = await startServeChild(
    [
      '--api',
      'demo',
      '--listen',
      '127.0.0.1:0',
      '--interval',
      '1s',
      '--config',
      join(dir, 'fleetmon.yaml'),
    ],
    withToken,
  );
});

after(async () => {
  serve?.kill();
  await hook?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('alerting end to end', () => {
  it('serve notifies the webhook and the log of the demo fleet’s flagged services', async () => {
    const services = await eventually('a webhook notification', () =>
      hook.received.length > 0 ? firing(hook.received) : undefined,
    );
    assert.deepEqual(services.sort(), ['MLService', 'SearchService', 'TimeService']);
    await eventually('the log receiver’s lines', () =>
      serve
        .stderr()
        .includes(
          'alert firing: ServiceFlagged{service="MLService", severity="critical"}: MLService: 1 of 2 healthy',
        )
        ? true
        : undefined,
    );
  });

  it('fleetmon alerts lists them from serve with its token, and exits 1 because they fire', async () => {
    const r = await runCli(['alerts', '--server', serve.url], withToken);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^STATE +ALERT +SEVERITY +LABELS +SINCE +NOTE +SUMMARY$/m);
    assert.match(
      r.stdout,
      /^firing +ServiceFlagged +critical +service=MLService +\d+s +MLService: 1 of 2 healthy$/m,
    );
    assert.match(r.stdout, /^3 firing, 0 pending · from http:\/\/127\.0\.0\.1:\d+\/$/m);
    const denied = await runCli(['alerts', '--server', serve.url]);
    assert.equal(denied.code, 2);
    assert.match(
      denied.stderr,
      /fleetmon serve at http:\/\/127\.0\.0\.1:\d+\/ wants credentials \(set FLEETMON_AUTH_TOKEN/,
    );
  });

  it('silence add, list and expire: the silenced alert is marked, and serve counts it', async () => {
    const added = await runCli(
      [
        'silence',
        'add',
        '--server',
        serve.url,
        '--match',
        'service=MLService',
        '--for',
        '1h',
        '--comment',
        'deploy 4.2',
        '--author',
        'ana',
      ],
      withToken,
    );
    assert.equal(added.code, 0, added.stderr);
    const id = /^silence (\S+) added: service="MLService" until \S+$/m.exec(added.stdout)?.[1];
    assert.ok(id, added.stdout);

    const listed = await runCli(
      ['silence', 'list', '--server', serve.url, '-o', 'json'],
      withToken,
    );
    const silences = JSON.parse(listed.stdout) as SilenceRow[];
    assert.deepEqual(
      silences.map((s) => [s.id, s.state, s.createdBy, s.comment]),
      [[id, 'active', 'ana', 'deploy 4.2']],
    );
    const alerts = JSON.parse(
      (await runCli(['alerts', '--server', serve.url, '-o', 'json'], withToken)).stdout,
    ) as AlertRow[];
    assert.deepEqual(alerts.find((a) => a.labels.service === 'MLService')?.silencedBy, [id]);
    const metrics = await (
      await fetch(`${serve.url}metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })
    ).text();
    assert.match(metrics, /^fleetmon_alerts\{state="firing"\} 3$/m);
    assert.match(metrics, /^fleetmon_alerts_silenced 1$/m);
    assert.match(metrics, /^fleetmon_notifications_total\{receiver="hook",result="sent"\} [1-9]/m);

    const expired = await runCli(['silence', 'expire', id, '--server', serve.url], withToken);
    assert.deepEqual(
      [expired.code, expired.stdout.trim()],
      [0, `silence ${id} expired: service="MLService"`],
    );
    const again = await runCli(['silence', 'expire', id, '--server', serve.url], withToken);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /that silence has already expired/);
  });

  it('silence add without --author or USER records the account that ran it', async () => {
    const added = await runCli(
      [
        ...['silence', 'add', '--server', serve.url, '--match', 'service=MLService', '--for', '1h'],
        ...['--comment', 'cron', '-o', 'json'],
      ],
      { env: { ...withToken.env, USER: '' } },
    );
    const [silence] = JSON.parse(added.stdout) as SilenceRow[];
    assert.ok(silence, added.stderr);
    assert.equal(silence.createdBy, userInfo().username);
    const expired = await runCli(
      ['silence', 'expire', silence.id, '--server', serve.url],
      withToken,
    );
    assert.equal(expired.code, 0, expired.stderr);
  });

  it('silence add says what is missing before asking serve', async () => {
    const r = await runCli(
      ['silence', 'add', '--server', serve.url, '--match', 'service=A', '--comment', 'x'],
      withToken,
    );
    assert.deepEqual(
      [r.code, r.stderr.trim()],
      [2, 'fleetmon: silence add needs --for or --until (one of them) (e.g. --for 2h)'],
    );
  });

  it('config check refuses a template with an unknown field, at its line and column', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      'alerts:\n  rules:\n    - name: InstanceUnreachable\n      summary: "{{ip}} down"\n',
    );
    const r = await runCli(['config', 'check', file]);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr.split('\n')[0],
      `${file}:4:16: alerts.rules.0.summary: unknown field {{ip}} for instance-unreachable rules; fields: alertname, error, instance, service, severity`,
    );
  });

  it('SIGTERM still stops serve at once, exit 0', async () => {
    serve.child.kill('SIGTERM');
    const { code } = await serve.exited;
    assert.equal(code, 0);
  });
});
