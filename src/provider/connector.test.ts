import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PendingConnects } from './connector.ts';

describe('PendingConnects', () => {
  it('says nothing before a connect has completed: there is no yardstick yet', () => {
    const pending = new PendingConnects();
    pending.add(0);
    pending.add(0);
    assert.equal(pending.stalled(500), false);
  });

  it('on a nearby provider (connects well under 1 ms), two waiting connects mean a full queue', () => {
    const pending = new PendingConnects();
    pending.delete(pending.add(0), 0.1);
    const first = pending.add(10);
    assert.equal(pending.stalled(10.2), false, 'one connect on its way is normal');
    pending.add(10.1);
    assert.equal(pending.stalled(10.2), true);
    pending.delete(first, 0.1);
    assert.equal(pending.size, 1);
    assert.equal(pending.stalled(10.3), false);
  });

  it('on a distant provider, only a connect waiting 4x the fastest one is stalled', () => {
    const pending = new PendingConnects();
    pending.delete(pending.add(0), 20);
    for (let i = 0; i < 10; i++) pending.add(100 + i);
    assert.equal(pending.stalled(150), false, 'ten connects in flight for 50 ms: a 20 ms path');
    assert.equal(pending.stalled(181), true);
  });
});
