import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredAlert } from './alert.ts';
import type { Silence } from './silences.ts';
import type { AlertStore, Notification, NotifiedAlert } from './store.ts';

// What every AlertStore must do, as tests: the in-memory store runs them, and the SQL stores
// (SQLite, PostgreSQL) run the same ones with `reopen`, which checks it survives a restart.

const alertOf = (fingerprint: string, status: NotifiedAlert['status']): NotifiedAlert => ({
  fingerprint,
  status,
  labels: { alertname: 'X', instance: fingerprint },
  annotations: { summary: `${fingerprint} ${status}` },
  startsAt: 1000,
  endsAt: status === 'firing' ? null : 2000,
});

const note = (receiver: string, ...alerts: NotifiedAlert[]): Notification => ({
  receiver,
  groupKey: `${receiver}:0:{"alertname":"X"}`,
  groupLabels: { alertname: 'X' },
  alerts,
});

const stored = (fingerprint: string, state: StoredAlert['state']): StoredAlert => ({
  fingerprint,
  rule: 'X',
  key: fingerprint,
  labels: { alertname: 'X', instance: fingerprint },
  annotations: { summary: 's' },
  state,
  activeAt: 10,
  startsAt: state === 'pending' ? null : 20,
  endsAt: state === 'resolved' ? 30 : null,
  flapping: false,
  window: { bits: 0b101, count: 3 },
  okStreak: 1,
});

const silence = (id: string, endsAt: number): Silence => ({
  id,
  matchers: ['service="A"'],
  startsAt: 0,
  endsAt,
  createdBy: 'ana',
  comment: 'deploy',
  createdAt: 0,
  updatedAt: 0,
});

/** The contract: `open` makes an empty store; `reopen`, when given, opens the same data anew. */
export function describeAlertStore(
  name: string,
  open: () => Promise<AlertStore>,
  reopen?: (store: AlertStore) => Promise<AlertStore>,
): void {
  describe(`${name}: the AlertStore contract`, () => {
    it('gives each receiver its oldest entry, and the next only once that one is done', async () => {
      const store = await open();
      const a = await store.enqueue(note('hook', alertOf('f1', 'firing')), 0);
      await store.enqueue(note('hook', alertOf('f1', 'resolved')), 1);
      const c = await store.enqueue(note('chat', alertOf('f1', 'firing')), 2);
      assert.ok(a && c);
      assert.deepEqual((await store.due(5)).map((e) => e.id).sort(), [a.id, c.id].sort());
      await store.markFailed(a.id, 100, 'HTTP 503');
      assert.deepEqual(
        (await store.due(5)).map((e) => e.id),
        [c.id],
      );
      assert.equal(await store.nextAttemptAt(), 2);
      const [retry] = (await store.due(100)).filter((e) => e.id === a.id);
      assert.deepEqual([retry?.attempts, retry?.lastError, retry?.createdAt], [1, 'HTTP 503', 0]);
      assert.deepEqual(retry?.notification, note('hook', alertOf('f1', 'firing')));
      await store.markDelivered(a.id, 100);
      const next = (await store.due(100)).find((e) => e.notification.receiver === 'hook');
      assert.equal(next?.notification.alerts[0]?.status, 'resolved');
      assert.deepEqual(Object.fromEntries(await store.queued()), { hook: 1, chat: 1 });
      await store.giveUp(c.id, 101, 'HTTP 400');
      assert.deepEqual(Object.fromEntries(await store.queued()), { hook: 1 });
      await store.close();
    });

    it('de-duplicates by fingerprint and status against what is still undelivered', async () => {
      const store = await open();
      const first = await store.enqueue(note('hook', alertOf('f1', 'firing')), 0);
      assert.equal(await store.enqueue(note('hook', alertOf('f1', 'firing')), 1), undefined);
      const mixed = await store.enqueue(
        note('hook', alertOf('f1', 'firing'), alertOf('f2', 'firing')),
        2,
      );
      assert.deepEqual(
        mixed?.notification.alerts.map((a) => a.fingerprint),
        ['f2'],
      );
      assert.ok(await store.enqueue(note('chat', alertOf('f1', 'firing')), 3));
      assert.ok(await store.enqueue(note('hook', alertOf('f1', 'resolved')), 4));
      assert.ok(await store.enqueue(note('hook', alertOf('f1', 'firing')), 5));
      // Once delivered, the same status is news again (a repeat).
      assert.ok(first);
      await store.markDelivered(first.id, 6);
      await store.close();
    });

    it('keeps the notification log with the outbox: firing stays, a resolve removes it', async () => {
      const store = await open();
      await store.enqueue(note('hook', alertOf('f1', 'firing'), alertOf('f2', 'firing')), 7);
      await store.enqueue(note('hook', alertOf('f2', 'resolved')), 8);
      // Left out as a duplicate, the alert still counts as told (a repeat moves `at` on).
      await store.enqueue(note('hook', alertOf('f1', 'firing')), 9);
      assert.deepEqual(await store.loadNotificationLog(), [
        { groupKey: 'hook:0:{"alertname":"X"}', fingerprint: 'f1', status: 'firing', at: 9 },
      ]);
      await store.close();
    });

    it('keeps alert state by fingerprint, and silences by id', async () => {
      let store = await open();
      await store.saveAlerts([stored('a', 'pending'), stored('b', 'firing')], []);
      await store.saveAlerts([stored('a', 'firing')], ['b']);
      await store.saveSilence(silence('s1', 100));
      await store.saveSilence(silence('s2', 200));
      await store.saveSilence({ ...silence('s1', 50), updatedAt: 50 });
      await store.deleteSilences(['s2']);
      await store.enqueue(note('hook', alertOf('f1', 'firing')), 0);
      if (reopen !== undefined) store = await reopen(store);
      assert.deepEqual(await store.loadAlerts(), [stored('a', 'firing')]);
      assert.deepEqual(await store.loadSilences(), [{ ...silence('s1', 50), updatedAt: 50 }]);
      assert.equal((await store.due(0)).length, 1);
      await store.close();
    });
  });
}
