import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { type ReceiverServer, startReceiver } from '../../src/alert/receiver-server.test-helper.ts';
import { adminQuery, PG_ADMIN_URL } from '../../src/store/backends.test-helper.ts';
import { eventually } from '../helpers/eventually.ts';
import { parsePrometheusText } from '../helpers/prom-text.ts';
import { type ServeChild, startServeChild } from '../helpers/serve.ts';

// Issue 18, target 3: `kill -9` of `serve` while alerts fire, then a restart on the same store:
// no second "firing" notice, and the alert that cleared meanwhile gets its resolve. Then the
// same with two replicas on one PostgreSQL, killing the one that notifies.

const IPS = ['10.0.0.1', '10.0.0.2', '10.0.0.3'];
/** Instances whose stats answer 500, so InstanceUnreachable fires for them. */
const down = new Set<string>();
let provider: Server;
let api: string;
let hook: ReceiverServer;
let dir: string;
const children: ServeChild[] = [];

interface Payload {
  receiver: string;
  alerts: { status: string; labels: Record<string, string> }[];
}

/** Notices the webhook got for `ip`, in order: `firing` or `resolved` (`receiver status` with `by`). */
function notices(ip: string, by = false): string[] {
  return hook.received.flatMap((r) => {
    const body = r.body as Payload;
    return body.alerts
      .filter((a) => a.labels.instance === ip)
      .map((a) => (by ? `${body.receiver} ${a.status}` : a.status));
  });
}

const until = (what: string, ip: string, expected: readonly string[]) =>
  eventually(what, () => (notices(ip).length >= expected.length ? true : undefined), {
    everyMs: 100,
    tries: 300,
  }).then(() => assert.deepEqual(notices(ip), expected, `${ip}: ${what}`));

const config = (receiver: string, target = `url: "${hook.url}"`) =>
  writeFile(
    join(dir, 'fleetmon.yaml'),
    `alerts:
  builtins: false
  rules:
    - name: InstanceUnreachable
      failures: 1
      of: 1
      successes: 1
  receivers:
    - name: ${receiver}
      webhook: { ${target} }
  group: { wait: 0s, interval: 0s, repeat: 4h }
`,
  );

async function serve(store: string): Promise<ServeChild> {
  const child = await startServeChild([
    '--api',
    api,
    '--listen',
    '127.0.0.1:0',
    '--interval',
    '500ms',
    '--store',
    store,
    '--config',
    join(dir, 'fleetmon.yaml'),
  ]);
  children.push(child);
  return child;
}

/**
 * Kills `child` once it has recorded every notice the webhook got as sent, so the kill lands
 * while alerts fire and not while a notice is on the wire: one whose 200 came but was not yet
 * recorded is sent again by design (docs/alerts.md, "Several replicas, one voice").
 */
async function killHard(child: ServeChild): Promise<void> {
  await eventually(
    'the deliveries recorded',
    async () => {
      const metrics = parsePrometheusText(await (await fetch(`${child.url}metrics`)).text());
      const sent = metrics
        .get('fleetmon_notifications_total')
        ?.samples.find((s) => s.labels.receiver === 'hook' && s.labels.result === 'sent');
      return (sent?.value ?? 0) >= hook.received.length || undefined;
    },
    { everyMs: 50, tries: 200 },
  );
  child.child.kill('SIGKILL');
  await child.exited;
}

before(async () => {
  provider = createServer((req, res) => {
    const ip = req.url?.slice(1) ?? '';
    if (req.url === '/servers') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(IPS));
    } else if (!IPS.includes(ip) || down.has(ip)) {
      res.writeHead(500).end();
    } else {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ cpu: '10%', memory: '20%', service: 'PayService' }));
    }
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  hook = await startReceiver();
  dir = await mkdtemp(join(tmpdir(), 'fleetmon-alerts-restart-'));
  await config('hook');
});

// A test that fails leaves no serve behind to notify into the next one.
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill();
    await child.exited;
  }
});

after(async () => {
  await hook?.close();
  await new Promise((resolve) => provider?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** What a restart (or a takeover) must leave a receiver with, after both alerts fired once. */
async function afterTheOutage(replacement: () => Promise<ServeChild>, first: ServeChild) {
  await until('both alerts firing', '10.0.0.3', ['firing']);
  await until('both alerts firing', '10.0.0.2', ['firing']);
  await killHard(first);
  down.delete('10.0.0.2');
  const next = await replacement();
  await until('the resolve of the alert that cleared', '10.0.0.2', ['firing', 'resolved']);
  // A few more scans: the alert still firing is not notified again.
  const seen = hook.received.length;
  await eventually(
    'four more scans',
    async () => {
      const r = await fetch(`${next.url}api/v1/alerts`);
      const alerts = (await r.json()) as { labels: Record<string, string> }[];
      return alerts.some((a) => a.labels.instance === '10.0.0.3') ? true : undefined;
    },
    { everyMs: 100, tries: 100 },
  );
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  assert.equal(hook.received.length, seen, 'nothing sent after the resolve');
  assert.deepEqual(notices('10.0.0.3'), ['firing']);
  return next;
}

describe('alert notifications across kill -9', () => {
  it('SQLite: a restarted serve does not page again, and resolves what cleared', async () => {
    down.clear();
    hook.received.length = 0;
    down.add('10.0.0.2').add('10.0.0.3');
    const store = join(dir, 'history.db');
    const first = await serve(store);
    const next = await afterTheOutage(() => serve(store), first);
    next.kill();
    await next.exited;
  });

  it('PostgreSQL: when the notifying replica dies, the other takes over and sends nothing twice', async () => {
    down.clear();
    hook.received.length = 0;
    down.add('10.0.0.2').add('10.0.0.3');
    const name = `fleetmon_e2e_${process.pid}_${Date.now().toString(36)}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(PG_ADMIN_URL);
      url.pathname = `/${name}`;
      const first = await serve(url.href);
      // The first replica notifies; the second starts once it has, and stands by.
      await until('the first replica notifying', '10.0.0.3', ['firing']);
      const second = await serve(url.href);
      const next = await afterTheOutage(async () => second, first);
      assert.match(next.stderr(), /history: postgres/);
      next.kill();
      await next.exited;
    } finally {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });

  it('SIGHUP applies a changed alerts section, keeping state; a bad one is refused', async () => {
    down.clear();
    hook.received.length = 0;
    down.add('10.0.0.3');
    await config('hook');
    const child = await serve(join(dir, 'reload.db'));
    await until('the alert firing', '10.0.0.3', ['firing']);
    await config('hook', 'urlEnv: FLEETMON_TEST_UNSET_URL');
    child.child.kill('SIGHUP');
    await eventually(
      'the refusal',
      () => /config reload refused: .*FLEETMON_TEST_UNSET_URL/.test(child.stderr()) || undefined,
      { everyMs: 100, tries: 100 },
    );
    await config('pager');
    child.child.kill('SIGHUP');
    await eventually(
      'the reload',
      () =>
        child
          .stderr()
          .includes(
            'config reloaded: 0 probes (0 added, 0 removed, 0 changed); alerting: 1 rules; notifying pager (webhook)',
          ) || undefined,
      { everyMs: 100, tries: 100 },
    );
    // The new receiver learns of what fires; the alert itself carried over (it resolves there).
    await until('the new receiver told', '10.0.0.3', ['firing', 'firing']);
    down.delete('10.0.0.3');
    await until('the resolve', '10.0.0.3', ['firing', 'firing', 'resolved']);
    assert.deepEqual(notices('10.0.0.3', true), ['hook firing', 'pager firing', 'pager resolved']);
    // What a reload does not apply is named as waiting for a restart.
    await appendFile(join(dir, 'fleetmon.yaml'), 'timeout: 2s\n');
    child.child.kill('SIGHUP');
    await eventually(
      'the restart notice',
      () =>
        child
          .stderr()
          .includes(
            'config reloaded: 0 probes (0 added, 0 removed, 0 changed); other settings take effect at the next start',
          ) || undefined,
      { everyMs: 100, tries: 100 },
    );
    child.child.kill('SIGTERM');
    assert.equal((await child.exited).code, 0);
  });
});
