import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeFailure, ProbeResult, ProbeVerdict } from '../../core/probe-types.ts';
import { exitCodeOf } from './check.ts';

const result = (
  verdict: ProbeVerdict,
  status: number | null,
  failure: ProbeFailure | null,
): ProbeResult => ({
  probe: 'p',
  url: 'http://x/',
  ts: 0,
  ok: verdict === 'ok',
  verdict,
  status,
  latencyMs: null,
  offsetMs: null,
  uncertaintyMs: null,
  failure,
  reason: failure,
});

describe('exitCodeOf', () => {
  const ok = result('ok', 200, null);
  const refused = result('down', null, 'connect');
  const cases: [string, ProbeResult[], number][] = [
    ['every probe ok', [ok, ok], 0],
    ['one skewed', [ok, result('skewed', 200, 'clock_skew')], 1],
    ['clock unreadable', [result('unknown', 200, 'no_date')], 1],
    ['a wrong status', [result('down', 500, 'status')], 1],
    ['some unreachable, one answered', [refused, ok], 1],
    [
      'every target unreachable: DNS, connect, TLS, timeout',
      [
        refused,
        result('down', null, 'dns'),
        result('down', null, 'tls'),
        result('down', null, 'timeout'),
      ],
      3,
    ],
    ['a trickle cut at the timeout had answered', [result('down', 200, 'timeout')], 1],
    ['an answer that is not HTTP came from something', [result('down', null, 'protocol')], 1],
  ];
  for (const [name, results, code] of cases) {
    it(`${name}: ${code}`, () => assert.equal(exitCodeOf(results), code));
  }
});
