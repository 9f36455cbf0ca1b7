import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Reading } from '../core/types.ts';
import { FakeClock, until } from '../time/fake-clock.test-helper.ts';
import type { AlertService } from './alert-service.ts';
import { MemoryAlertStore } from './memory-store.ts';
import { openAlerting } from './open.ts';
import {
  type Received,
  type ReceiverServer,
  startReceiver,
} from './receiver-server.test-helper.ts';
import type { AlertStore } from './store.ts';
import { configOf, down, scanOf, up } from './test-fixtures.test-helper.ts';

const INTERVAL = 15_000;
const IPS = ['10.0.0.1', '10.0.0.2', '10.0.0.3'];
const open: { close(): Promise<void> }[] = [];
after(async () => {
  for (const o of open) await o.close();
});

/** A fleet of three instances of service A, the given ones unreachable. */
const fleet = (...unreachable: string[]) =>
  scanOf(
    IPS.map((ip): Reading => (unreachable.includes(ip) ? down(ip, 'HTTP 503', 'A') : up(ip, 'A'))),
  );

async function receiver(reply?: Parameters<typeof startReceiver>[0]): Promise<ReceiverServer> {
  const server = await startReceiver(reply);
  open.push(server);
  return server;
}

async function service(
  alerts: unknown,
  options: { clock?: FakeClock; store?: AlertStore; log?: string[] } = {},
): Promise<{ service: AlertService; clock: FakeClock; log: string[] }> {
  const clock = options.clock ?? new FakeClock({ wallStart: Date.UTC(2026, 0, 5, 12) });
  const log = options.log ?? [];
  const s = await openAlerting({
    config: configOf(alerts),
    url: 'http://fleetmon.test/',
    intervalMs: INTERVAL,
    log: (line) => log.push(line),
    clock,
    random: () => 1,
    ...(options.store === undefined ? {} : { store: options.store }),
  });
  open.push({ close: () => s.stop() });
  await s.settle();
  return { service: s, clock, log };
}

/** `instance status` of every alert in every webhook payload received. */
const told = (received: readonly Received[]) =>
  received.flatMap((r) =>
    (r.body as { alerts: { status: string; labels: Record<string, string> }[] }).alerts.map(
      (a) => `${a.labels.instance ?? a.labels.service} ${a.status}`,
    ),
  );

async function metric(s: AlertService, name: string): Promise<string[]> {
  const text = await s.metrics.registry.metrics();
  return text.split('\n').filter((l) => l.startsWith(name));
}

const UNREACHABLE_AT_ONCE = { name: 'InstanceUnreachable', failures: 1, of: 1, successes: 1 };

describe('AlertService', () => {
  it('target 1: a flapping instance pages nobody; a real outage is sent on the evaluation that meets the rule', async () => {
    const hook = await receiver();
    const { service: s, clock } = await service({
      builtins: false,
      rules: [{ name: 'InstanceUnreachable', failures: 3, of: 5 }],
      receivers: [{ name: 'hook', webhook: { url: hook.url } }],
    });
    for (let i = 0; i < 40; i++) {
      s.observeScan(i % 2 === 0 ? fleet('10.0.0.1') : fleet());
      await s.settle();
      await clock.advance(INTERVAL);
      await s.settle();
    }
    assert.deepEqual(hook.received, []);
    assert.equal(s.list()[0]?.flapping, true);
    for (let i = 0; i < 2; i++) {
      s.observeScan(fleet('10.0.0.2'));
      await s.settle();
      await clock.advance(INTERVAL);
      await s.settle();
    }
    assert.deepEqual(hook.received, []);
    s.observeScan(fleet('10.0.0.2'));
    await s.settle(); // the same instant: no clock movement needed
    assert.deepEqual(told(hook.received), ['10.0.0.2 firing']);
  });

  it('target 2: a receiver answering 503 with Retry-After: 2 for a minute gets every notification exactly once', async () => {
    const clock = new FakeClock({ wallStart: Date.UTC(2026, 0, 5, 12) });
    const recoverAt = clock.wallNow() + 60_000;
    const refusedAt: number[] = [];
    const delivered: Received[] = [];
    const hook = await receiver((request) => {
      if (clock.wallNow() < recoverAt) {
        refusedAt.push(clock.wallNow());
        return { status: 503, headers: { 'Retry-After': '2' }, body: 'maintenance' };
      }
      delivered.push(request);
      return { status: 200 };
    });
    const log: string[] = [];
    const { service: s } = await service(
      {
        builtins: false,
        rules: [UNREACHABLE_AT_ONCE],
        receivers: [{ name: 'hook', webhook: { url: hook.url } }],
        // Repeats fall due during the outage too: they must not arrive as duplicates.
        group: { repeat: '20s' },
      },
      { clock, log },
    );
    const scans: Record<number, string[]> = {
      0: ['10.0.0.1'],
      15: ['10.0.0.1', '10.0.0.2'],
      30: ['10.0.0.2'],
      45: ['10.0.0.2', '10.0.0.3'],
      60: ['10.0.0.2'],
    };
    let queuedDuring: string[] = [];
    for (let second = 0; second <= 72; second++) {
      const down_ = scans[second];
      if (down_ !== undefined) s.observeScan(fleet(...down_));
      // What the scan sets off happens at its instant, before time moves on.
      await s.settle();
      if (second === 30) queuedDuring = await metric(s, 'fleetmon_notifications_queued');
      await clock.advance(1000);
      await s.settle();
    }
    assert.deepEqual(queuedDuring, ['fleetmon_notifications_queued{receiver="hook"} 3']);
    assert.deepEqual(await metric(s, 'fleetmon_notifications_queued'), [
      'fleetmon_notifications_queued{receiver="hook"} 0',
    ]);
    assert.deepEqual(told(delivered).sort(), [
      '10.0.0.1 firing',
      '10.0.0.1 resolved',
      '10.0.0.2 firing',
      '10.0.0.3 firing',
      '10.0.0.3 resolved',
    ]);
    const order = told(delivered);
    assert.ok(order.indexOf('10.0.0.1 firing') < order.indexOf('10.0.0.1 resolved'));
    // Retried as the receiver asked: every 2 s, not faster, not backing off beyond it.
    const gaps = refusedAt.slice(1).map((t, i) => t - (refusedAt[i] ?? 0));
    assert.ok(gaps.length >= 25, `retried ${gaps.length + 1} times`);
    assert.ok(
      gaps.every((g) => g === 2000),
      `gaps ${gaps.join(',')}`,
    );
    assert.deepEqual(
      await metric(s, 'fleetmon_notifications_total{receiver="hook",result="sent"}'),
      [`fleetmon_notifications_total{receiver="hook",result="sent"} ${delivered.length}`],
    );
    assert.deepEqual(
      log.filter((l) => l.includes('hook')),
      [
        'receiver hook failing: HTTP 503: maintenance; retrying with backoff, notifications queued',
        `receiver hook delivers again (after ${refusedAt.length} failed attempts)`,
      ],
    );
  });

  it('a receiver that hangs holds up only itself', async () => {
    const slow = await receiver(() => 'hang');
    const fast = await receiver();
    const { service: s, clock } = await service({
      builtins: false,
      rules: [UNREACHABLE_AT_ONCE],
      receivers: [
        { name: 'slow', webhook: { url: slow.url }, timeout: '300ms' },
        { name: 'fast', webhook: { url: fast.url } },
      ],
    });
    s.observeScan(fleet('10.0.0.1'));
    // The fast one is told while the slow one still hangs.
    await until(() => fast.received.length === 1 && slow.received.length === 1, 'both sends');
    assert.deepEqual(told(fast.received), ['10.0.0.1 firing']);
    await clock.advance(300);
    await s.settle();
    s.observeScan(fleet());
    await s.settle();
    // The slow one's retry, a second later, hangs until its timeout too.
    await clock.advance(1000);
    await until(() => slow.received.length === 2, 'the retry');
    await clock.advance(300);
    await s.settle();
    assert.deepEqual(told(fast.received), ['10.0.0.1 firing', '10.0.0.1 resolved']);
    assert.deepEqual(
      await metric(s, 'fleetmon_notifications_total{receiver="slow",result="failed"}'),
      ['fleetmon_notifications_total{receiver="slow",result="failed"} 2'],
    );
  });

  it('a 400 is not retried; an unresolvable receiver is retried until given up', async () => {
    const picky = await receiver(() => ({ status: 400, body: 'invalid_payload' }));
    const {
      service: s,
      clock,
      log,
    } = await service({
      builtins: false,
      rules: [UNREACHABLE_AT_ONCE],
      receivers: [
        { name: 'picky', slack: { url: picky.url } },
        {
          name: 'nowhere',
          webhook: { url: 'http://fleetmon-receiver.invalid/' },
          giveUpAfter: '30s',
        },
      ],
    });
    s.observeScan(fleet('10.0.0.1'));
    await s.settle();
    for (let i = 0; i < 60; i++) {
      await clock.advance(1000);
      await s.settle();
    }
    assert.equal(picky.received.length, 1);
    assert.deepEqual(
      [
        ...(await metric(s, 'fleetmon_notifications_total{receiver="picky"')),
        ...(await metric(s, 'fleetmon_notifications_total{receiver="nowhere"')),
      ],
      [
        'fleetmon_notifications_total{receiver="picky",result="sent"} 0',
        'fleetmon_notifications_total{receiver="picky",result="failed"} 0',
        'fleetmon_notifications_total{receiver="picky",result="rejected"} 1',
        'fleetmon_notifications_total{receiver="picky",result="expired"} 0',
        'fleetmon_notifications_total{receiver="nowhere",result="sent"} 0',
        // 0 s, then 1, 2, 4, 8, 16 s later: the sixth retry falls past 30 s.
        'fleetmon_notifications_total{receiver="nowhere",result="failed"} 5',
        'fleetmon_notifications_total{receiver="nowhere",result="rejected"} 0',
        'fleetmon_notifications_total{receiver="nowhere",result="expired"} 1',
      ],
    );
    assert.ok(
      log.includes(
        'error: picky refused a notification (HTTP 400: invalid_payload); not retried: 1 alert(s) of InstanceUnreachable',
      ),
    );
    assert.ok(
      log.some((l) =>
        l.startsWith(
          'error: notification to nowhere given up after 30s and 5 attempts (last: host not found',
        ),
      ),
      log.join('\n'),
    );
  });

  it('holds notifications of silenced alerts and sends them when the silence is expired', async () => {
    const hook = await receiver();
    const { service: s, clock } = await service({
      builtins: false,
      rules: [UNREACHABLE_AT_ONCE],
      receivers: [{ name: 'hook', webhook: { url: hook.url } }],
    });
    const added = await s.addSilence({
      matchers: ['instance=10.0.0.1'],
      durationMs: 7_200_000,
      comment: 'reboot',
      createdBy: 'ops',
    });
    assert.ok(typeof added !== 'string');
    assert.deepEqual(added.warnings, ['the silence matches no pending or firing alert right now']);
    s.observeScan(fleet('10.0.0.1', '10.0.0.2'));
    await s.settle();
    assert.deepEqual(told(hook.received), ['10.0.0.2 firing']);
    assert.deepEqual(
      s.list().map((a) => [a.labels.instance, a.state, a.silencedBy]),
      [
        ['10.0.0.1', 'firing', [added.silence.id]],
        ['10.0.0.2', 'firing', []],
      ],
    );
    assert.deepEqual(await metric(s, 'fleetmon_alerts_silenced'), ['fleetmon_alerts_silenced 1']);
    assert.equal(typeof (await s.expireSilence(added.silence.id)), 'object');
    assert.equal(await s.expireSilence(added.silence.id), 'expired');
    assert.equal(await s.expireSilence('nope'), 'unknown');
    await clock.advance(1000);
    await s.settle();
    assert.deepEqual(told(hook.received), ['10.0.0.2 firing', '10.0.0.1 firing']);
    assert.deepEqual(s.silences(), []);
    assert.equal(s.silences(['expired']).length, 1);
  });

  it('after a restart on the same store, a firing alert is not sent again and one that cleared is resolved', async () => {
    const hook = await receiver();
    const store = new MemoryAlertStore();
    const alerts = {
      builtins: false,
      rules: [UNREACHABLE_AT_ONCE],
      receivers: [{ name: 'hook', webhook: { url: hook.url } }],
    };
    const first = await service(alerts, { store });
    first.service.observeScan(fleet('10.0.0.1', '10.0.0.2'));
    await first.service.settle();
    await first.service.stop();
    assert.deepEqual(told(hook.received), ['10.0.0.1 firing', '10.0.0.2 firing']);

    const second = await service(alerts, { store, clock: first.clock });
    assert.deepEqual(
      second.service.list().map((a) => [a.labels.instance, a.state]),
      [
        ['10.0.0.1', 'firing'],
        ['10.0.0.2', 'firing'],
      ],
    );
    second.service.observeScan(fleet('10.0.0.2'));
    await second.service.settle();
    assert.deepEqual(told(hook.received), [
      '10.0.0.1 firing',
      '10.0.0.2 firing',
      '10.0.0.1 resolved',
    ]);
  });

  it('a silence added on one replica holds notifications on the other within an interval', async () => {
    const store = new MemoryAlertStore();
    const a = await service({}, { store });
    const b = await service({}, { store, clock: a.clock });
    const added = await b.service.addSilence({
      matchers: ['service=A'],
      durationMs: 3_600_000,
      comment: 'deploy',
      createdBy: 'ops',
    });
    assert.ok(typeof added !== 'string');
    assert.deepEqual(a.service.silences(), []);
    await a.clock.advance(INTERVAL);
    await a.service.settle();
    assert.deepEqual(
      a.service.silences().map((x) => x.id),
      [added.silence.id],
    );
  });

  it('a store outage loses no notification: they wait, and go out once it answers', async () => {
    const hook = await receiver();
    const store = new MemoryAlertStore();
    let failing = false;
    // The same store, refusing every write while `failing` (as a PostgreSQL that restarts).
    const flaky = new Proxy(store, {
      get(target, name) {
        const value = Reflect.get(target, name, target) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          failing &&
          ['enqueue', 'saveAlerts', 'loadNotificationLog', 'queued'].includes(String(name))
            ? Promise.reject(new Error('connection refused'))
            : (value as (...a: unknown[]) => unknown).apply(target, args);
      },
    });
    const {
      service: s,
      clock,
      log,
    } = await service(
      {
        builtins: false,
        rules: [UNREACHABLE_AT_ONCE],
        receivers: [{ name: 'hook', webhook: { url: hook.url } }],
      },
      { store: flaky },
    );
    failing = true;
    s.observeScan(fleet('10.0.0.1'));
    await s.settle();
    assert.deepEqual(told(hook.received), []);
    assert.equal(s.list()[0]?.state, 'firing');
    assert.equal(log.filter((l) => l.includes('the store failed')).length, 1);
    // /metrics still answers, from what alerting last read.
    assert.deepEqual(await metric(s, 'fleetmon_notifications_queued'), [
      'fleetmon_notifications_queued{receiver="hook"} 0',
    ]);
    failing = false;
    await clock.advance(5_000);
    await s.settle();
    assert.deepEqual(told(hook.received), ['10.0.0.1 firing']);
    assert.ok(log.includes('alerting: the store answers again'));
  });

  it('stop releases every timer', async () => {
    const { service: s, clock } = await service({});
    s.observeScan(fleet('10.0.0.1'));
    await s.settle();
    assert.ok(clock.pending().length > 0);
    await s.stop();
    assert.equal(clock.pending().length, 0);
  });
});
