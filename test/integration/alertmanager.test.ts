import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AlertService } from '../../src/alert/alert-service.ts';
import { openAlerting } from '../../src/alert/open.ts';
import {
  type Received,
  type ReceiverServer,
  startReceiver,
} from '../../src/alert/receiver-server.test-helper.ts';
import { configOf, down, scanOf, up } from '../../src/alert/test-fixtures.test-helper.ts';
import {
  alertmanagerMissing,
  type RunningAlertmanager,
  startAlertmanager,
} from '../helpers/alertmanager.ts';
import { eventually } from '../helpers/eventually.ts';

// fleetmon pushes to a real Alertmanager, which groups and notifies a webhook the test runs.
const IPS = ['10.0.0.1', '10.0.0.2', '10.0.0.3'];
const fleet = (...unreachable: string[]) =>
  scanOf(IPS.map((ip) => (unreachable.includes(ip) ? down(ip, 'HTTP 503', 'A') : up(ip, 'A'))));

interface AmAlert {
  fingerprint: string;
  endsAt: string;
  labels: Record<string, string>;
  status: { state: string };
}

interface WebhookBody {
  status: string;
  groupLabels: Record<string, string>;
  alerts: { status: string; labels: Record<string, string>; fingerprint: string }[];
}

describe('pushing to a real Alertmanager', { skip: alertmanagerMissing, timeout: 60_000 }, () => {
  let am: RunningAlertmanager;
  let hook: ReceiverServer;
  let service: AlertService;
  const log: string[] = [];

  before(async () => {
    hook = await startReceiver();
    am = await startAlertmanager(`
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: ${hook.url}
        send_resolved: true
`);
    service = await openAlerting({
      config: configOf({
        builtins: false,
        rules: [{ name: 'InstanceUnreachable', failures: 1, of: 1, successes: 1 }],
        receivers: [{ name: 'am', alertmanager: { url: am.url, resend: '1s' } }],
      }),
      url: 'http://127.0.0.1:8080/',
      intervalMs: 500,
      log: (line) => log.push(line),
    });
  });

  after(async () => {
    await service?.stop();
    await am?.stop();
    await hook?.close();
  });

  const bodies = (received: readonly Received[]) => received.map((r) => r.body as WebhookBody);
  const amAlerts = async (): Promise<AmAlert[]> =>
    (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as AmAlert[];

  it('the alerts arrive in Alertmanager with fleetmon’s fingerprints, grouped into one notification', async () => {
    service.observeScan(fleet('10.0.0.1', '10.0.0.2'));
    const [first] = await eventually('a webhook notification from Alertmanager', () =>
      hook.received.length > 0 ? bodies(hook.received) : undefined,
    );
    assert.equal(first?.status, 'firing');
    assert.deepEqual(first?.groupLabels, { alertname: 'InstanceUnreachable' });
    assert.deepEqual(first?.alerts.map((a) => a.labels.instance).sort(), ['10.0.0.1', '10.0.0.2']);
    const ours = service
      .list()
      .map((a) => a.fingerprint)
      .sort();
    assert.deepEqual(first?.alerts.map((a) => a.fingerprint).sort(), ours);
    assert.deepEqual((await amAlerts()).map((a) => a.fingerprint).sort(), ours);
  });

  it('while firing, endsAt keeps moving on, so Alertmanager does not resolve them by itself', async () => {
    const before_ = new Map((await amAlerts()).map((a) => [a.fingerprint, Date.parse(a.endsAt)]));
    // The lease is 4 × max(resend 1s, interval 0.5s) = 4 s. Alertmanager keeps real time, so
    // the event to wait for is its clock (the system's) passing the first lease's end.
    const firstLeaseEnd = Math.max(...before_.values());
    await eventually(
      'the first lease running out',
      () => (Date.now() > firstLeaseEnd ? true : undefined),
      { everyMs: 100, tries: 100 },
    );
    const now = await amAlerts();
    assert.equal(now.length, 2);
    for (const a of now) {
      assert.equal(a.status.state, 'active');
      assert.ok(Date.parse(a.endsAt) > (before_.get(a.fingerprint) ?? 0), 'endsAt was refreshed');
    }
    assert.equal(hook.received.length, 1, 'no resolve and no second firing meanwhile');
  });

  it('resolving in fleetmon resolves in Alertmanager, which sends the resolve notice', async () => {
    service.observeScan(fleet('10.0.0.2'));
    const resolved = await eventually('the resolve notice for 10.0.0.1', () =>
      bodies(hook.received)
        .flatMap((b) => b.alerts)
        .find((a) => a.status === 'resolved'),
    );
    assert.equal(resolved.labels.instance, '10.0.0.1');
    service.observeScan(fleet());
    await eventually(
      'every alert resolved in Alertmanager',
      async () => (await amAlerts()).every((a) => a.status.state !== 'active') || undefined,
    );
    const statuses = bodies(hook.received).flatMap((b) =>
      b.alerts.map((a) => `${a.labels.instance} ${a.status}`),
    );
    assert.ok(statuses.includes('10.0.0.2 firing'));
    assert.equal(log.filter((l) => l.includes('failing')).length, 0, log.join('\n'));
  });
});
