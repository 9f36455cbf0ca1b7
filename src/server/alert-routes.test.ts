import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { AlertService } from '../alert/alert-service.ts';
import { openAlerting } from '../alert/open.ts';
import { configOf, down, scanOf, up } from '../alert/test-fixtures.test-helper.ts';
import type { AlertRow, SilenceRow } from '../core/alert-types.ts';
import { FakeClock } from '../time/fake-clock.test-helper.ts';
import { testApp } from './test-fixtures.test-helper.ts';

const services: AlertService[] = [];
after(async () => {
  for (const s of services) await s.stop();
});

async function appWithAlerts(auth = {}) {
  const clock = new FakeClock({ wallStart: Date.UTC(2026, 0, 5, 12) });
  const alerts = await openAlerting({
    config: configOf({
      builtins: false,
      rules: [{ name: 'InstanceUnreachable', failures: 1, of: 1 }],
    }),
    url: 'http://fleetmon.test/',
    intervalMs: 15_000,
    log: () => {},
    clock,
  });
  services.push(alerts);
  alerts.observeScan(scanOf([down('10.0.0.1', 'HTTP 503', 'Payment'), up('10.0.0.2', 'Search')]));
  return { ...testApp({ alerts, auth }), alerts, clock };
}

const json = { 'Content-Type': 'application/json' };

describe('/api/v1/alerts and /api/v1/silences', () => {
  it('lists firing and pending alerts; ?state= picks others', async () => {
    const { app } = await appWithAlerts();
    const res = await app.request('/api/v1/alerts');
    assert.equal(res.status, 200);
    const rows = (await res.json()) as AlertRow[];
    assert.deepEqual(
      rows.map((r) => [r.alertname, r.state, r.labels.instance, r.annotations.summary]),
      [
        [
          'InstanceUnreachable',
          'firing',
          '10.0.0.1',
          '10.0.0.1 (Payment) is unreachable: HTTP 503',
        ],
      ],
    );
    assert.deepEqual(await (await app.request('/api/v1/alerts?state=resolved')).json(), []);
    const bad = await app.request('/api/v1/alerts?state=on-fire');
    assert.equal(bad.status, 400);
    assert.match(
      ((await bad.json()) as { message: string }).message,
      /state "on-fire" is not valid/,
    );
  });

  it('adds a silence from JSON, lists it, and expires it with DELETE', async () => {
    const { app } = await appWithAlerts();
    const res = await app.request('/api/v1/silences', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        matchers: ['service=Payment'],
        duration: '2h',
        comment: 'deploy',
        createdBy: 'ana',
      }),
    });
    assert.equal(res.status, 201);
    const { silence, warnings } = (await res.json()) as { silence: SilenceRow; warnings: string[] };
    assert.equal(res.headers.get('location'), `silences/${silence.id}`);
    assert.deepEqual(
      [silence.matchers, silence.state, silence.createdBy, warnings],
      [['service="Payment"'], 'active', 'ana', []],
    );
    const listed = (await (await app.request('/api/v1/silences')).json()) as SilenceRow[];
    assert.deepEqual(
      listed.map((s) => s.id),
      [silence.id],
    );
    const [alert] = (await (await app.request('/api/v1/alerts')).json()) as AlertRow[];
    assert.deepEqual(alert?.silencedBy, [silence.id]);

    const gone = await app.request(`/api/v1/silences/${silence.id}`, { method: 'DELETE' });
    assert.equal(gone.status, 200);
    assert.equal(((await gone.json()) as { silence: SilenceRow }).silence.state, 'expired');
    assert.equal(
      (await app.request(`/api/v1/silences/${silence.id}`, { method: 'DELETE' })).status,
      409,
    );
    assert.equal((await app.request('/api/v1/silences/nope', { method: 'DELETE' })).status, 404);
    assert.deepEqual(await (await app.request('/api/v1/silences')).json(), []);
  });

  it('refuses writes that are not JSON, too big, or not a valid silence, with one line each', async () => {
    const { app } = await appWithAlerts();
    const post = async (body: string, headers: Record<string, string> = json) => {
      const res = await app.request('/api/v1/silences', { method: 'POST', headers, body });
      return [res.status, ((await res.json()) as { message: string }).message];
    };
    // A form post from another site is text/plain or urlencoded: refused before anything is read.
    assert.deepEqual(
      await post('matchers=service%3DPayment', {
        'Content-Type': 'application/x-www-form-urlencoded',
      }),
      [415, 'send the silence as JSON (Content-Type: application/json)'],
    );
    assert.deepEqual(await post('{'), [400, 'the body is not valid JSON']);
    assert.deepEqual(await post('[]'), [
      400,
      'body: Invalid input: expected object, received array',
    ]);
    assert.deepEqual(await post(JSON.stringify({ matchers: [], comment: 'x', duration: '1h' })), [
      400,
      'matchers: Too small: expected array to have >=1 items',
    ]);
    assert.deepEqual(
      await post(
        JSON.stringify({
          matchers: ['service=A'],
          comment: 'x',
          startsAt: '2026-01-05T14:00:00Z',
          endsAt: '2026-01-05T13:00:00Z',
        }),
      ),
      [400, 'the end (2026-01-05T13:00:00.000Z) is not after the start (2026-01-05T14:00:00.000Z)'],
    );
    assert.deepEqual(
      await post(JSON.stringify({ matchers: ['service=A'], comment: 'x', duration: 'soon' })),
      [400, 'duration "soon" is not a duration such as 2h'],
    );
    assert.deepEqual(await post(JSON.stringify({ matchers: ['x'.repeat(20_000)], comment: 'x' })), [
      413,
      'a silence request is at most 16384 bytes',
    ]);
    const put = await app.request('/api/v1/silences', { method: 'PUT' });
    assert.deepEqual([put.status, put.headers.get('allow')], [405, 'GET, HEAD, POST']);
  });

  it('needs the same credentials as the rest of the API', async () => {
    const { app } = await appWithAlerts({ token: 'alerts-token-1' });
    assert.equal((await app.request('/api/v1/alerts')).status, 401);
    const refused = await app.request('/api/v1/silences', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ matchers: ['service=A'], comment: 'x', duration: '1h' }),
    });
    assert.equal(refused.status, 401);
    const ok = await app.request('/api/v1/alerts', {
      headers: { Authorization: 'Bearer alerts-token-1' },
    });
    assert.equal(ok.status, 200);
  });

  it('answers 503 until alerting has started', async () => {
    const { app } = testApp();
    assert.equal((await app.request('/api/v1/alerts')).status, 503);
  });
});
