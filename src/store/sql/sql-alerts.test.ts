import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { AlertStore, Notification } from '../../alert/store.ts';
import { describeAlertStore } from '../../alert/store-contract.test-helper.ts';
import { createTestDatabase, SQL_BACKENDS, type TestDatabase } from '../backends.test-helper.ts';
import type { Store } from '../store.ts';
import { NotNotifierError } from './sql-alerts.ts';

const firing = (receiver: string, fingerprint: string): Notification => ({
  receiver,
  groupKey: `${receiver}:0:{}`,
  groupLabels: {},
  alerts: [
    {
      fingerprint,
      status: 'firing',
      labels: { alertname: 'X' },
      annotations: {},
      startsAt: 1,
      endsAt: null,
    },
  ],
});

for (const backend of SQL_BACKENDS) {
  const dbs: TestDatabase[] = [];
  after(async () => {
    for (const db of dbs) await db.drop();
  });
  // Which store each AlertStore came from, so `reopen` can close it first (as a restart does).
  const owners = new Map<AlertStore, { db: TestDatabase; store: Store }>();
  const opened = async (db: TestDatabase): Promise<AlertStore> => {
    const store = await db.open();
    await store.migrate({ dryRun: false });
    assert.equal(await store.notifier.acquire(), true);
    owners.set(store.alerts, { db, store });
    return store.alerts;
  };

  describeAlertStore(
    `SQL store (${backend})`,
    async () => {
      const db = await createTestDatabase(backend);
      dbs.push(db);
      return opened(db);
    },
    async (alerts) => {
      const owner = owners.get(alerts);
      assert.ok(owner);
      await owner.store.close();
      return opened(owner.db);
    },
  );

  describe(`SQL store (${backend}): the notifier role is the writer's`, () => {
    it('lets one replica enqueue, and the other once the first is gone', async () => {
      const db = await createTestDatabase(backend);
      dbs.push(db);
      const a = await db.open();
      const b = await db.open();
      await a.migrate({ dryRun: false });
      assert.equal(await a.notifier.acquire(), true);
      assert.equal(await b.notifier.acquire(), false);
      assert.deepEqual([a.notifier.isHolder(), b.notifier.isHolder()], [true, false]);
      const queued = await a.alerts.enqueue(firing('hook', 'f1'), 10);
      await assert.rejects(b.alerts.enqueue(firing('hook', 'f2'), 11), NotNotifierError);
      // A silence may be added on any replica; every replica reads it.
      await b.alerts.saveSilence({
        id: 's1',
        matchers: ['service="A"'],
        startsAt: 0,
        endsAt: 100,
        createdBy: 'ana',
        comment: '',
        createdAt: 0,
        updatedAt: 0,
      });
      assert.equal((await a.alerts.loadSilences()).length, 1);
      await a.close();
      assert.equal(await b.notifier.acquire(), true);
      // What the first holder left undelivered is the new holder's to send, and de-duplicates.
      assert.deepEqual(
        (await b.alerts.due(10)).map((e) => e.id),
        [queued?.id],
      );
      assert.equal(await b.alerts.enqueue(firing('hook', 'f1'), 12), undefined);
    });
  });
}
