import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryAlertStore } from './memory-store.ts';
import type { Notification, NotifiedAlert } from './store.ts';

const alertOf = (fingerprint: string, status: NotifiedAlert['status']): NotifiedAlert => ({
  fingerprint,
  status,
  labels: { alertname: 'X' },
  annotations: {},
  startsAt: 0,
  endsAt: status === 'firing' ? null : 1,
});

const note = (receiver: string, ...alerts: NotifiedAlert[]): Notification => ({
  receiver,
  groupKey: `${receiver}:0:{}`,
  groupLabels: {},
  alerts,
});

describe('MemoryAlertStore outbox', () => {
  it('gives each receiver its oldest entry, and the next only once that one is delivered', async () => {
    const store = new MemoryAlertStore();
    const a = await store.enqueue(note('hook', alertOf('f1', 'firing')), 0);
    await store.enqueue(note('hook', alertOf('f1', 'resolved')), 1);
    const c = await store.enqueue(note('chat', alertOf('f1', 'firing')), 2);
    assert.deepEqual(
      (await store.due(5)).map((e) => e.id),
      [a?.id, c?.id],
    );
    await store.markFailed(a!.id, 100, 'HTTP 503');
    assert.deepEqual(
      (await store.due(5)).map((e) => e.id),
      [c?.id],
    );
    assert.equal(await store.nextAttemptAt(), 2);
    const [retry] = (await store.due(100)).filter((e) => e.id === a?.id);
    assert.deepEqual([retry?.attempts, retry?.lastError], [1, 'HTTP 503']);
    await store.markDelivered(a!.id, 100);
    assert.deepEqual(
      (await store.due(100)).map((e) => e.notification.alerts[0]?.status),
      ['resolved', 'firing'],
    );
    assert.deepEqual(
      [...(await store.queued())],
      [
        ['hook', 1],
        ['chat', 1],
      ],
    );
  });

  it('de-duplicates by fingerprint and status against what is still undelivered', async () => {
    const store = new MemoryAlertStore();
    await store.enqueue(note('hook', alertOf('f1', 'firing')), 0);
    assert.equal(await store.enqueue(note('hook', alertOf('f1', 'firing')), 1), undefined);
    const mixed = await store.enqueue(
      note('hook', alertOf('f1', 'firing'), alertOf('f2', 'firing')),
      2,
    );
    assert.deepEqual(
      mixed?.notification.alerts.map((a) => a.fingerprint),
      ['f2'],
    );
    // Another receiver, or a new status, is not a duplicate.
    assert.ok(await store.enqueue(note('chat', alertOf('f1', 'firing')), 3));
    assert.ok(await store.enqueue(note('hook', alertOf('f1', 'resolved')), 4));
    assert.ok(await store.enqueue(note('hook', alertOf('f1', 'firing')), 5));
  });

  it('keeps the notification log: firing entries stay, a resolve removes its entry', async () => {
    const store = new MemoryAlertStore();
    await store.enqueue(note('hook', alertOf('f1', 'firing'), alertOf('f2', 'firing')), 7);
    await store.enqueue(note('hook', alertOf('f2', 'resolved')), 8);
    assert.deepEqual(await store.loadNotificationLog(), [
      { groupKey: 'hook:0:{}', fingerprint: 'f1', status: 'firing', at: 7 },
    ]);
  });
});
