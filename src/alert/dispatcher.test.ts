import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Labels } from '../core/alert-types.ts';
import { type Alert, type Muting, NOT_MUTED } from './alert.ts';
import { Dispatcher } from './dispatcher.ts';
import { fingerprintOf } from './fingerprint.ts';
import type { Notification } from './store.ts';
import { configOf } from './test-fixtures.test-helper.ts';

const MIN = 60_000;

function alert(name: string, service: string, state: Alert['state'], at = 0): Alert {
  const labels = { alertname: name, service, severity: 'warning' };
  return {
    fingerprint: fingerprintOf(labels),
    rule: name,
    key: service,
    labels,
    annotations: { summary: `${name} ${service}` },
    state,
    activeAt: at,
    startsAt: state === 'pending' ? null : at,
    endsAt: state === 'resolved' ? at : null,
    flapping: false,
  };
}

function dispatcherOf(alerts: unknown, mute: (labels: Labels) => Muting = () => NOT_MUTED) {
  const config = configOf(alerts);
  return new Dispatcher(config.routes, config.receivers, mute);
}

/** `receiver: status name/service, …` per notification, for whole-output comparisons. */
const describe_ = (ns: readonly Notification[]) =>
  ns.map(
    (n) =>
      `${n.receiver}: ${n.alerts.map((a) => `${a.status} ${a.labels.alertname}/${a.labels.service}`).join(', ')}`,
  );

const HOOK = { receivers: [{ name: 'hook', webhook: { url: 'http://127.0.0.1:1/' } }] };

describe('dispatcher', () => {
  it('groups alerts of one evaluation by alertname and sends each change once', () => {
    const d = dispatcherOf(HOOK);
    d.update(
      [alert('Down', 'A', 'firing'), alert('Down', 'B', 'firing'), alert('Flagged', 'A', 'firing')],
      0,
    );
    assert.deepEqual(describe_(d.flush(0)), [
      'hook: firing Down/A, firing Down/B',
      'hook: firing Flagged/A',
    ]);
    assert.deepEqual(d.flush(1000), []);
    d.update([alert('Down', 'B', 'resolved', 2000)], 2000);
    assert.deepEqual(describe_(d.flush(2000)), ['hook: resolved Down/B']);
    assert.deepEqual(d.flush(3000), []);
  });

  it('never tells about an alert that was only pending', () => {
    const d = dispatcherOf(HOOK);
    d.update([alert('Down', 'A', 'pending')], 0);
    assert.deepEqual(d.flush(0), []);
    assert.equal(d.nextDueAt(), undefined);
  });

  it('waits group wait for the first notification and group interval for the next', () => {
    const d = dispatcherOf({ ...HOOK, group: { wait: '30s', interval: '5m' } });
    d.update([alert('Down', 'A', 'firing')], 0);
    assert.deepEqual(d.flush(29_000), []);
    d.update([alert('Down', 'B', 'firing', 10_000)], 10_000);
    assert.equal(d.nextDueAt(), 30_000);
    assert.deepEqual(describe_(d.flush(30_000)), ['hook: firing Down/A, firing Down/B']);
    d.update([alert('Down', 'C', 'firing', 40_000)], 40_000);
    assert.deepEqual(d.flush(40_000), []);
    assert.equal(d.nextDueAt(), 30_000 + 5 * MIN);
    assert.deepEqual(describe_(d.flush(30_000 + 5 * MIN)), ['hook: firing Down/C']);
  });

  it('repeats every firing alert after the repeat interval', () => {
    const d = dispatcherOf({ ...HOOK, group: { repeat: '1h' } });
    d.update([alert('Down', 'A', 'firing'), alert('Down', 'B', 'firing')], 0);
    d.flush(0);
    assert.equal(d.nextDueAt(), 60 * MIN);
    assert.deepEqual(describe_(d.flush(60 * MIN)), ['hook: firing Down/A, firing Down/B']);
  });

  it('routes in order, first match wins unless continue', () => {
    const d = dispatcherOf({
      receivers: [
        { name: 'pager', webhook: { url: 'http://127.0.0.1:1/' } },
        { name: 'chat', slack: { url: 'http://127.0.0.1:1/' } },
        { name: 'log', log: {} },
      ],
      routes: [
        { match: ['service=A'], receiver: 'pager', continue: true },
        { match: ['service=~"A|B"'], receiver: 'chat' },
        { receiver: 'log' },
      ],
    });
    d.update(
      [alert('Down', 'A', 'firing'), alert('Down', 'B', 'firing'), alert('Down', 'C', 'firing')],
      0,
    );
    assert.deepEqual(describe_(d.flush(0)).sort(), [
      'chat: firing Down/A, firing Down/B',
      'log: firing Down/C',
      'pager: firing Down/A',
    ]);
  });

  it('holds silenced alerts, sends them when the silence ends, and still sends their resolve', () => {
    let silenced = true;
    const d = dispatcherOf(HOOK, (labels) =>
      silenced && labels.service === 'A' ? { silencedBy: ['s1'], maintenance: null } : NOT_MUTED,
    );
    d.update([alert('Down', 'A', 'firing'), alert('Down', 'B', 'firing')], 0);
    assert.deepEqual(describe_(d.flush(0)), ['hook: firing Down/B']);
    assert.deepEqual(d.flush(1000), []);
    silenced = false;
    d.recheck();
    assert.deepEqual(describe_(d.flush(2000)), ['hook: firing Down/A']);
    silenced = true;
    d.update([alert('Down', 'A', 'resolved', 3000)], 3000);
    assert.deepEqual(describe_(d.flush(3000)), ['hook: resolved Down/A']);
  });

  it('an alert silenced for its whole life sends nothing at all', () => {
    const d = dispatcherOf(HOOK, () => ({ silencedBy: ['s1'], maintenance: null }));
    d.update([alert('Down', 'A', 'firing')], 0);
    assert.deepEqual(d.flush(0), []);
    d.update([alert('Down', 'A', 'resolved', 1000)], 1000);
    assert.deepEqual(d.flush(1000), []);
    assert.equal(d.nextDueAt(), undefined);
  });

  it('after a restart, what receivers were told counts: no second firing, the resolve goes out', () => {
    const first = dispatcherOf(HOOK);
    const a = alert('Down', 'A', 'firing');
    first.update([a], 0);
    const [sent] = first.flush(0);
    assert.ok(sent);
    const again = dispatcherOf(HOOK);
    again.restore(
      sent.alerts.map((x) => ({
        groupKey: sent.groupKey,
        fingerprint: x.fingerprint,
        status: x.status,
        at: 0,
      })),
    );
    again.update([a], 5000);
    assert.deepEqual(again.flush(5000), []);
    again.update([alert('Down', 'A', 'resolved', 6000)], 6000);
    assert.deepEqual(describe_(again.flush(6000)), ['hook: resolved Down/A']);
  });

  it('pushes to Alertmanager at once, ungrouped, and again every resend', () => {
    const d = dispatcherOf({
      receivers: [{ name: 'am', alertmanager: { url: 'http://127.0.0.1:1', resend: '1m' } }],
      group: { wait: '30s', by: ['service'] },
    });
    d.update([alert('Down', 'A', 'firing'), alert('Flagged', 'B', 'firing')], 0);
    assert.deepEqual(describe_(d.flush(0)), ['am: firing Down/A, firing Flagged/B']);
    assert.equal(d.nextDueAt(), MIN);
    assert.deepEqual(describe_(d.flush(MIN)), ['am: firing Down/A, firing Flagged/B']);
  });
});
