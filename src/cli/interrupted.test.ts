import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Interrupted, listenForInterrupt } from './interrupted.ts';

describe('listenForInterrupt', () => {
  it('stops once on the first signal and takes an echo within a second as the same one', () => {
    let now = 1000;
    const listeners = process.listenerCount('SIGINT');
    const reasons: Interrupted[] = [];
    const stopListening = listenForInterrupt((reason) => reasons.push(reason), { now: () => now });
    try {
      process.emit('SIGINT', 'SIGINT');
      now += 5;
      // What bin/fleetmon forwards when the terminal signalled both processes.
      process.emit('SIGINT', 'SIGINT');
      now += 500;
      process.emit('SIGTERM', 'SIGTERM');
    } finally {
      stopListening();
    }
    assert.equal(reasons.length, 1);
    assert.ok(reasons[0] instanceof Interrupted);
    assert.equal(reasons[0]?.signal, 'SIGINT');
    assert.equal(reasons[0]?.message, 'interrupted by SIGINT');
    // Still listening: the process is winding down, and an echo must not kill it.
    assert.equal(process.listenerCount('SIGINT'), listeners + 1);
  });

  it('stops listening when the command ended without a signal', () => {
    const listeners = process.listenerCount('SIGTERM');
    const stopListening = listenForInterrupt(() => assert.fail('no signal was sent'));
    assert.equal(process.listenerCount('SIGTERM'), listeners + 1);
    stopListening();
    assert.equal(process.listenerCount('SIGTERM'), listeners);
  });
});
