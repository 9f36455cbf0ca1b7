import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TrafficCounter } from './traffic.ts';

describe('TrafficCounter', () => {
  it('counts requests and retries, and the time from the first request to the last end', () => {
    const traffic = new TrafficCounter();
    assert.equal(traffic.activeMs, 0);
    traffic.sent(100, false);
    traffic.sent(101, false);
    traffic.ended(150, 50);
    traffic.sent(150, true);
    traffic.ended(180, undefined);
    traffic.ended(190, 89);
    assert.equal(traffic.requests, 3);
    assert.equal(traffic.retries, 1);
    assert.equal(traffic.activeMs, 90);
    assert.equal(traffic.latency()?.count, 2);
  });

  it('has no answer times before an answer', () => {
    const traffic = new TrafficCounter();
    traffic.sent(0, false);
    traffic.ended(5, undefined);
    assert.equal(traffic.latency(), undefined);
  });

  it('gives min and max exactly, and median and p99 within 5 %', () => {
    const traffic = new TrafficCounter();
    // 1..1000 ms: median 500, p99 990.
    for (let ms = 1; ms <= 1000; ms++) traffic.ended(ms, ms);
    const latency = traffic.latency();
    assert.ok(latency !== undefined);
    assert.equal(latency.minMs, 1);
    assert.equal(latency.maxMs, 1000);
    assert.ok(Math.abs(latency.medianMs - 500) / 500 < 0.05, `median ${latency.medianMs}`);
    assert.ok(Math.abs(latency.p99Ms - 990) / 990 < 0.05, `p99 ${latency.p99Ms}`);
  });

  it('never reports a quantile outside the answers seen', () => {
    const traffic = new TrafficCounter();
    traffic.ended(1, 0.001);
    traffic.ended(2, 0.001);
    const latency = traffic.latency();
    assert.equal(latency?.medianMs, 0.001);
    assert.equal(latency?.p99Ms, 0.001);
  });
});
