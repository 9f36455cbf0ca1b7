import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { FakeClock, until } from '../time/fake-clock.test-helper.ts';
import { httpExchange } from './http-request.ts';
import { type ReceiverServer, startReceiver } from './receiver-server.test-helper.ts';
import { createReceiver, type Receiver } from './receivers.ts';
import type { Notification } from './store.ts';
import { configOf } from './test-fixtures.test-helper.ts';

const NOW = Date.UTC(2026, 0, 5, 12);
const servers: { close(): Promise<void> }[] = [];
const receivers: Receiver[] = [];
after(async () => {
  for (const r of receivers) r.close();
  for (const s of servers) await s.close();
});

const NOTIFICATION: Notification = {
  receiver: 'x',
  groupKey: 'x:0:{"alertname":"InstanceUnreachable"}',
  groupLabels: { alertname: 'InstanceUnreachable' },
  alerts: [
    {
      fingerprint: 'aaaaaaaaaaaaaaaa',
      status: 'firing',
      labels: {
        alertname: 'InstanceUnreachable',
        instance: '10.0.0.1',
        service: 'A',
        severity: 'warning',
      },
      annotations: { summary: '10.0.0.1 (A) is unreachable: <HTTP 503>' },
      startsAt: NOW - 60_000,
      endsAt: null,
    },
    {
      fingerprint: 'bbbbbbbbbbbbbbbb',
      status: 'resolved',
      labels: {
        alertname: 'InstanceUnreachable',
        instance: '10.0.0.2',
        service: 'A',
        severity: 'warning',
      },
      annotations: { summary: '10.0.0.2 (A) is unreachable: timeout' },
      startsAt: NOW - 120_000,
      endsAt: NOW - 1000,
    },
  ],
};

async function receiverFor(
  alerts: unknown,
  secrets: Record<string, string> = {},
): Promise<{ receiver: Receiver; server: ReceiverServer }> {
  const server = await startReceiver();
  servers.push(server);
  const text = JSON.stringify(alerts).replaceAll('URL', server.url);
  const [config] = configOf(JSON.parse(text), undefined, secrets).receivers;
  assert.ok(config);
  const receiver = createReceiver(config, {
    externalUrl: 'http://fleetmon.test/',
    intervalMs: 15_000,
    log: () => {},
    clock: new FakeClock(),
  });
  receivers.push(receiver);
  return { receiver, server };
}

describe('receivers', () => {
  it('webhook: Alertmanager’s payload version 4, with the configured headers', async () => {
    const { receiver, server } = await receiverFor(
      {
        receivers: [
          {
            name: 'x',
            webhook: { url: 'URL', headers: { 'X-Team': 'ops' }, bearerTokenEnv: 'TOKEN' },
          },
        ],
      },
      { TOKEN: 's3cret' },
    );
    assert.deepEqual(await receiver.send(NOTIFICATION, NOW, new AbortController().signal), {
      kind: 'delivered',
    });
    const [request] = server.received;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.headers['content-type'], 'application/json');
    assert.equal(request?.headers.authorization, 'Bearer s3cret');
    assert.equal(request?.headers['x-team'], 'ops');
    assert.deepEqual(request?.body, {
      version: '4',
      groupKey: 'x:0:{"alertname":"InstanceUnreachable"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'x',
      groupLabels: { alertname: 'InstanceUnreachable' },
      commonLabels: { alertname: 'InstanceUnreachable', service: 'A', severity: 'warning' },
      commonAnnotations: {},
      externalURL: 'http://fleetmon.test/',
      alerts: [
        {
          status: 'firing',
          labels: NOTIFICATION.alerts[0]?.labels,
          annotations: NOTIFICATION.alerts[0]?.annotations,
          startsAt: '2026-01-05T11:59:00.000Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://fleetmon.test/',
          fingerprint: 'aaaaaaaaaaaaaaaa',
        },
        {
          status: 'resolved',
          labels: NOTIFICATION.alerts[1]?.labels,
          annotations: NOTIFICATION.alerts[1]?.annotations,
          startsAt: '2026-01-05T11:58:00.000Z',
          endsAt: '2026-01-05T11:59:59.000Z',
          generatorURL: 'http://fleetmon.test/',
          fingerprint: 'bbbbbbbbbbbbbbbb',
        },
      ],
    });
  });

  it('webhook: maxAlerts keeps the first ones and counts the rest', async () => {
    const { receiver, server } = await receiverFor({
      receivers: [{ name: 'x', webhook: { url: 'URL', maxAlerts: 1 } }],
    });
    await receiver.send(NOTIFICATION, NOW, new AbortController().signal);
    const body = server.received[0]?.body as { truncatedAlerts: number; alerts: unknown[] };
    assert.deepEqual([body.truncatedAlerts, body.alerts.length], [1, 1]);
  });

  it('slack: one text with the verdict, one line per alert, escaped, and a link', async () => {
    const { receiver, server } = await receiverFor({
      receivers: [{ name: 'x', slack: { url: 'URL', channel: '#ops' } }],
    });
    await receiver.send(NOTIFICATION, NOW, new AbortController().signal);
    assert.deepEqual(server.received[0]?.body, {
      text: [
        ':rotating_light: *[FIRING:1] [RESOLVED:1] InstanceUnreachable*',
        '• firing: 10.0.0.1 (A) is unreachable: &lt;HTTP 503&gt;',
        '• resolved: 10.0.0.2 (A) is unreachable: timeout',
        '<http://fleetmon.test/|fleetmon dashboard>',
      ].join('\n'),
      channel: '#ops',
    });
  });

  it('alertmanager: POST /api/v2/alerts, a firing alert leased 4 resends ahead', async () => {
    const { receiver, server } = await receiverFor({
      receivers: [{ name: 'x', alertmanager: { url: 'URL', resend: '1m' } }],
    });
    await receiver.send(NOTIFICATION, NOW, new AbortController().signal);
    assert.equal(server.received[0]?.path, '/api/v2/alerts');
    const body = server.received[0]?.body as {
      startsAt: string;
      endsAt: string;
      labels: unknown;
    }[];
    assert.deepEqual(
      body.map((a) => [a.startsAt, a.endsAt]),
      [
        ['2026-01-05T11:59:00.000Z', '2026-01-05T12:04:00.000Z'],
        ['2026-01-05T11:58:00.000Z', '2026-01-05T11:59:59.000Z'],
      ],
    );
  });

  it('log: one line per alert', async () => {
    const lines: string[] = [];
    const [config] = configOf({ receivers: [{ name: 'x', log: {} }] }).receivers;
    const receiver = createReceiver(config!, {
      externalUrl: '',
      intervalMs: 1,
      log: (l) => lines.push(l),
      clock: new FakeClock(),
    });
    await receiver.send(NOTIFICATION, NOW, new AbortController().signal);
    assert.deepEqual(lines, [
      'alert firing: InstanceUnreachable{instance="10.0.0.1", service="A", severity="warning"}: 10.0.0.1 (A) is unreachable: <HTTP 503>',
      'alert resolved: InstanceUnreachable{instance="10.0.0.2", service="A", severity="warning"}: 10.0.0.2 (A) is unreachable: timeout',
    ]);
  });
});

describe('httpExchange', () => {
  it('reads at most maxBodyBytes of a huge answer and cuts the connection', async () => {
    let written = 0;
    const server = createServer((_req, res) => {
      res.writeHead(500);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      // Up to 50 MB, as fast as the socket takes it.
      const pump = () => {
        while (written < 50 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
        if (written < 50 * 1024 * 1024) res.once('drain', pump);
        else res.end();
      };
      pump();
      res.on('close', () => res.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push({ close: () => new Promise((r) => server.close(() => r())) });
    const { port } = server.address() as AddressInfo;
    const answer = await httpExchange(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      body: '{}',
      timeoutMs: 5000,
      clock: new FakeClock(),
      maxBodyBytes: 64 * 1024,
    });
    assert.deepEqual([answer.status, answer.body.length, answer.truncated], [500, 64 * 1024, true]);
    assert.ok(written < 50 * 1024 * 1024, 'the server was stopped before sending it all');
  });

  it('gives up on a receiver that never answers after its timeout', async () => {
    const server = await startReceiver(() => 'hang');
    servers.push(server);
    const clock = new FakeClock();
    const failed = assert.rejects(
      httpExchange(server.url, {
        method: 'POST',
        body: '{}',
        timeoutMs: 200,
        clock,
        maxBodyBytes: 1024,
      }),
      { name: 'HttpFailure', kind: 'timeout', message: 'no answer within 200 ms' },
    );
    await until(() => server.received.length === 1, 'the request');
    assert.deepEqual(clock.pending(), [200]);
    await clock.advance(200);
    await failed;
    assert.deepEqual(clock.pending(), []);
  });

  it('names a host that does not resolve and a port nobody listens on', async () => {
    await assert.rejects(
      httpExchange('http://fleetmon-receiver.invalid/', {
        method: 'POST',
        timeoutMs: 5000,
        clock: new FakeClock(),
        maxBodyBytes: 1,
      }),
      { kind: 'dns' },
    );
    const closed = await startReceiver();
    await closed.close();
    await assert.rejects(
      httpExchange(closed.url, {
        method: 'POST',
        timeoutMs: 5000,
        clock: new FakeClock(),
        maxBodyBytes: 1,
      }),
      {
        kind: 'refused',
      },
    );
  });
});
