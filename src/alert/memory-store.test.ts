import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MAX_QUEUED_PER_RECEIVER, MemoryAlertStore } from './memory-store.ts';
import { describeAlertStore } from './store-contract.test-helper.ts';

describeAlertStore('MemoryAlertStore', async () => new MemoryAlertStore());

it('MemoryAlertStore drops the oldest entries of a receiver beyond its bound', async () => {
  const store = new MemoryAlertStore();
  for (let i = 0; i <= MAX_QUEUED_PER_RECEIVER; i++) {
    await store.enqueue(
      {
        receiver: 'hook',
        groupKey: 'g',
        groupLabels: {},
        alerts: [
          {
            fingerprint: `f${i}`,
            status: 'firing',
            labels: {},
            annotations: {},
            startsAt: 0,
            endsAt: null,
          },
        ],
      },
      i,
    );
  }
  assert.equal((await store.queued()).get('hook'), MAX_QUEUED_PER_RECEIVER);
  assert.equal((await store.due(0))[0]?.notification.alerts[0]?.fingerprint, undefined);
  assert.equal((await store.due(1))[0]?.notification.alerts[0]?.fingerprint, 'f1');
});
