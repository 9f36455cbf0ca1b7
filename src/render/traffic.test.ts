import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrafficSummary } from '../core/types.ts';
import { formatMs, formatTraffic } from './traffic.ts';

const base: TrafficSummary = {
  requests: 151,
  retries: 0,
  activeMs: 122.4,
  latency: { count: 150, minMs: 0.21, medianMs: 0.38, p99Ms: 2.14, maxMs: 3.02 },
  connections: 151,
  resentConnects: 0,
  pipelined: 0,
  window: { max: 64, limit: 64, decreases: 0 },
};

describe('formatTraffic', () => {
  const cases: Array<[string, Partial<TrafficSummary>, string]> = [
    [
      'a clean scan',
      {},
      'stats: 151 requests in 122 ms (1234/s), no retries · answers: median 0.38 ms, p99 2.1 ms, max 3.0 ms · 151 connections · window 64 of 64, never cut',
    ],
    [
      'retries, re-sent connects and a cut window',
      { retries: 1, resentConnects: 14, window: { max: 64, limit: 24, decreases: 3 } },
      'stats: 151 requests in 122 ms (1234/s), 1 retry · answers: median 0.38 ms, p99 2.1 ms, max 3.0 ms · 151 connections, 14 connects re-sent (listen queue full) · window cut 3×, 24 of 64 at the end',
    ],
    [
      'requests pipelined behind answers that came apart from their heads',
      { requests: 1001, connections: 72, pipelined: 913 },
      'stats: 1001 requests in 122 ms (8178/s), no retries · answers: median 0.38 ms, p99 2.1 ms, max 3.0 ms · 72 connections, 913 sent behind a stalled answer · window 64 of 64, never cut',
    ],
    [
      'interrupted before the first request ended',
      { requests: 1, retries: 0, activeMs: 0, latency: undefined, connections: 1 },
      'stats: 1 request, no retries · 1 connection · window 64 of 64, never cut',
    ],
  ];
  for (const [name, change, expected] of cases) {
    it(name, () => assert.equal(formatTraffic({ ...base, ...change }), expected));
  }
});

describe('formatMs', () => {
  for (const [ms, text] of [
    [0.354, '0.35 ms'],
    [4.24, '4.2 ms'],
    [183.4, '183 ms'],
    [1240, '1.24 s'],
    [61_500, '61.5 s'],
  ] as const) {
    it(`${ms} → ${text}`, () => assert.equal(formatMs(ms), text));
  }
});
