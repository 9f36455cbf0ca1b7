import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Transition } from './alert.ts';
import { AlertEvaluator, RESOLVED_RETENTION_MS } from './evaluator.ts';
import { configOf, down, probe, scanOf, up } from './test-fixtures.test-helper.ts';

const INTERVAL = 15_000;

/** Only one rule, so tests see only what they are about. */
function evaluatorWith(rules: unknown[]): AlertEvaluator {
  return new AlertEvaluator(configOf({ builtins: false, rules }).rules);
}

/** Scan times one interval apart: each call is the next. */
function ticker(): () => number {
  let t = 0;
  return () => {
    t += INTERVAL;
    return t;
  };
}

const fired = (ts: readonly Transition[]) => ts.filter((t) => t.to === 'firing');
const resolved = (ts: readonly Transition[]) => ts.filter((t) => t.to === 'resolved');

describe('anti-flap (target 1)', () => {
  const rule = { name: 'InstanceUnreachable', failures: 3, of: 5, successes: 2 };
  const healthy = scanOf([up('10.0.0.1', 'A'), up('10.0.0.2', 'A')]);
  const broken = scanOf([down('10.0.0.1'), up('10.0.0.2', 'A')]);

  it('an instance that flips healthy and unreachable on every scan never fires under 3 of 5', () => {
    const ev = evaluatorWith([rule]);
    const all: Transition[] = [];
    for (let i = 0; i < 200; i++)
      all.push(...ev.observeScan(i % 2 === 0 ? broken : healthy, i * INTERVAL));
    assert.deepEqual(fired(all), []);
    const listed = [...ev.alerts()];
    assert.equal(listed[0]?.state, 'pending');
    assert.equal(listed[0]?.flapping, true);
  });

  it('a real outage fires on the evaluation that meets the rule, not later', () => {
    const ev = evaluatorWith([rule]);
    for (let i = 0; i < 5; i++) assert.deepEqual(ev.observeScan(healthy, i * INTERVAL), []);
    const first = ev.observeScan(broken, 5 * INTERVAL);
    assert.deepEqual(
      first.map((t) => t.to),
      ['pending'],
    );
    assert.deepEqual(fired(ev.observeScan(broken, 6 * INTERVAL)), []);
    const third = fired(ev.observeScan(broken, 7 * INTERVAL));
    assert.equal(third.length, 1);
    assert.equal(third[0]?.alert.startsAt, 7 * INTERVAL);
    assert.equal(third[0]?.alert.activeAt, 5 * INTERVAL);
    // The instance no longer says which service it runs; the last scan it answered did.
    assert.deepEqual(third[0]?.alert.labels, {
      alertname: 'InstanceUnreachable',
      instance: '10.0.0.1',
      service: 'A',
      severity: 'warning',
    });
    assert.equal(third[0]?.alert.annotations.summary, '10.0.0.1 (A) is unreachable: HTTP 503');
  });

  it('fires once flapping gives way to a real outage', () => {
    const ev = evaluatorWith([rule]);
    const all: Transition[] = [];
    const tick = ticker();
    for (let i = 0; i < 6; i++) all.push(...ev.observeScan(i % 2 === 0 ? broken : healthy, tick()));
    assert.deepEqual(fired(all), []);
    for (let i = 0; i < 4; i++) all.push(...ev.observeScan(broken, tick()));
    assert.equal(fired(all).length, 1);
  });

  it('resolves after `successes` passing evaluations in a row, not one', () => {
    const ev = evaluatorWith([rule]);
    const tick = ticker();
    for (let i = 0; i < 3; i++) ev.observeScan(broken, tick());
    assert.equal(ev.counts().firing, 1);
    assert.deepEqual(resolved(ev.observeScan(healthy, tick())), []);
    assert.deepEqual(resolved(ev.observeScan(broken, tick())), []);
    assert.deepEqual(resolved(ev.observeScan(healthy, tick())), []);
    const at = tick();
    const over = resolved(ev.observeScan(healthy, at));
    assert.equal(over.length, 1);
    assert.equal(over[0]?.alert.endsAt, at);
  });

  it('an instance that leaves the listing counts as passing', () => {
    const ev = evaluatorWith([{ ...rule, failures: 1, of: 1, successes: 1 }]);
    ev.observeScan(broken, INTERVAL);
    assert.equal(ev.counts().firing, 1);
    assert.equal(resolved(ev.observeScan(scanOf([up('10.0.0.2', 'A')]), 2 * INTERVAL)).length, 1);
  });
});

describe('for:', () => {
  it('fires only after the condition has held that long, and any pass resets it', () => {
    const ev = evaluatorWith([{ name: 'Hot', kind: 'service-cpu', threshold: 80, for: '1m' }]);
    const hot = scanOf([up('10.0.0.1', 'A', 90), up('10.0.0.2', 'A', 85)]);
    const cool = scanOf([up('10.0.0.1', 'A', 10), up('10.0.0.2', 'A', 10)]);
    assert.deepEqual(fired(ev.observeScan(hot, 0)), []);
    assert.deepEqual(fired(ev.observeScan(hot, 45_000)), []);
    assert.equal(ev.observeScan(cool, 50_000)[0]?.to, 'inactive');
    assert.deepEqual(fired(ev.observeScan(hot, 60_000)), []);
    assert.deepEqual(fired(ev.observeScan(hot, 100_000)), []);
    const hit = fired(ev.observeScan(hot, 120_000));
    assert.equal(hit.length, 1);
    assert.equal(hit[0]?.alert.annotations.summary, 'A mean cpu is 87.5%, at or above 80%');
  });
});

describe('service rules', () => {
  it('service-flagged follows --min-healthy, or the rule’s own minHealthy', () => {
    const scan = scanOf([up('10.0.0.1', 'A'), up('10.0.0.2', 'A'), up('10.0.0.3', 'B')]);
    const byDefault = evaluatorWith([{ name: 'ServiceFlagged', failures: 1, of: 1 }]);
    assert.deepEqual(
      fired(byDefault.observeScan(scan, 0)).map((t) => t.alert.labels.service),
      ['B'],
    );
    const strict = evaluatorWith([{ name: 'ServiceFlagged', failures: 1, of: 1, minHealthy: 3 }]);
    const both = fired(strict.observeScan(scan, 0));
    assert.deepEqual(
      both.map((t) => t.alert.labels.service),
      ['A', 'B'],
    );
    assert.equal(both[0]?.alert.annotations.summary, 'A has 2 healthy (of 2); it needs 3');
  });

  it('a service with no answering instance has no mean: its threshold alert neither fires nor resolves', () => {
    const ev = evaluatorWith([{ name: 'Hot', kind: 'service-cpu', threshold: 50 }]);
    ev.observeScan(scanOf([up('10.0.0.1', 'A', 90)]), 0);
    assert.equal(ev.counts().firing, 1);
    assert.deepEqual(ev.observeScan(scanOf([down('10.0.0.1', 'HTTP 500', 'A')]), INTERVAL), []);
    assert.equal(ev.counts().firing, 1);
  });

  it('an unreachable instance keeps the service it last answered for', () => {
    const ev = evaluatorWith([{ name: 'InstanceUnreachable', failures: 1, of: 1 }]);
    ev.observeScan(scanOf([up('10.0.0.1', 'Payment')]), 0);
    const [t] = ev.observeScan(scanOf([down('10.0.0.1', 'timeout after 5s')]), INTERVAL);
    assert.equal(t?.alert.labels.service, 'Payment');
    assert.equal(
      t?.alert.annotations.summary,
      '10.0.0.1 (Payment) is unreachable: timeout after 5s',
    );
  });

  it('match: scopes a rule, and labels: are added to its alerts', () => {
    const ev = evaluatorWith([
      {
        name: 'PaymentDown',
        kind: 'instance-unreachable',
        match: ['service=~"Pay.*"'],
        labels: { team: 'payments' },
      },
    ]);
    const ts = ev.observeScan(
      scanOf([down('10.0.0.1', 'HTTP 500', 'Payment'), down('10.0.0.2', 'HTTP 500', 'Search')]),
      0,
    );
    assert.deepEqual(
      ts.map((t) => t.alert.labels),
      [
        {
          alertname: 'PaymentDown',
          instance: '10.0.0.1',
          service: 'Payment',
          severity: 'warning',
          team: 'payments',
        },
      ],
    );
  });

  it('the fingerprint stays the same for the same labels across evaluators', () => {
    const a = evaluatorWith([{ name: 'ServiceFlagged', failures: 1, of: 1 }]);
    const b = evaluatorWith([{ name: 'ServiceFlagged', failures: 1, of: 1 }]);
    const scan = scanOf([down('10.0.0.1', 'x', 'A')]);
    assert.equal(
      a.observeScan(scan, 0)[0]?.alert.fingerprint,
      b.observeScan(scan, 99)[0]?.alert.fingerprint,
    );
  });
});

describe('probe rules', () => {
  it('a probe that is down fires ProbeFailing; a skewed clock fires ClockSkewed, not ProbeFailing', () => {
    const ev = evaluatorWith([
      { name: 'ProbeFailing', failures: 1, of: 1, successes: 1 },
      { name: 'ClockSkewed', failures: 2, of: 2 },
    ]);
    assert.deepEqual(
      fired(ev.observeProbe(probe('api', 'down'), 0)).map((t) => t.alert.annotations.summary),
      ['probe api (http://127.0.0.1:9001/api) is failing: connection refused'],
    );
    assert.deepEqual(fired(ev.observeProbe(probe('time', 'skewed'), 0)), []);
    const skew = fired(ev.observeProbe(probe('time', 'skewed'), 1000));
    assert.equal(
      skew[0]?.alert.annotations.summary,
      'the clock behind time is off by +2.5s (±6ms)',
    );
    // A probe that got no answer says nothing about its clock.
    assert.deepEqual(
      ev.observeProbe(probe('time', 'down'), 2000).map((t) => t.alert.rule),
      ['ProbeFailing'],
    );
    assert.equal(ev.counts().firing, 3);
    assert.deepEqual(
      resolved(ev.observeProbe(probe('api', 'ok'), 3000)).map((t) => t.alert.rule),
      ['ProbeFailing'],
    );
  });
});

describe('scans-stale', () => {
  it('fires when no scan succeeded for 3 intervals, and resolves with the next success', () => {
    const ev = evaluatorWith([{ name: 'ScansStale' }]);
    const health = (lastSuccessAt: number | undefined) => ({
      lastSuccessAt,
      startedAt: 0,
      intervalMs: INTERVAL,
      lastError: 'cannot reach the provider',
    });
    assert.deepEqual(ev.observeTime(health(undefined), 3 * INTERVAL - 1), []);
    const [t] = ev.observeTime(health(undefined), 3 * INTERVAL);
    assert.equal(t?.to, 'firing');
    assert.equal(
      t?.alert.annotations.summary,
      'no successful scan for 45s (last never): cannot reach the provider',
    );
    assert.equal(resolved(ev.observeTime(health(3 * INTERVAL + 5), 3 * INTERVAL + 10)).length, 1);
  });
});

describe('restore', () => {
  const rules = [{ name: 'ServiceFlagged', failures: 1, of: 1, successes: 1 }];
  const scan = scanOf([down('10.0.0.1', 'x', 'A')]);

  it('carries a firing alert over a restart: no second firing', () => {
    const before = evaluatorWith(rules);
    const [t] = before.observeScan(scan, 0);
    const stored = before.stored(t!.alert)!;
    const after = evaluatorWith(rules);
    assert.deepEqual(after.restore([stored], 1000), []);
    assert.deepEqual(after.observeScan(scan, 2000), []);
    assert.equal(after.counts().firing, 1);
    assert.equal(
      resolved(after.observeScan(scanOf([up('10.0.0.1', 'A'), up('10.0.0.2', 'A')]), 3000)).length,
      1,
    );
  });

  it('resolves a firing alert whose rule is gone or whose labels changed', () => {
    const before = evaluatorWith(rules);
    const stored = before.stored(before.observeScan(scan, 0)[0]!.alert)!;
    const gone = evaluatorWith([{ name: 'Other', kind: 'service-flagged' }]).restore([stored], 5);
    assert.deepEqual(
      gone.map((t) => [t.to, t.alert.endsAt]),
      [['resolved', 5]],
    );
    const relabelled = evaluatorWith([{ ...rules[0], labels: { team: 'x' } }]).restore([stored], 5);
    assert.equal(relabelled[0]?.to, 'resolved');
  });

  it('drops resolved alerts from the list after their retention', () => {
    const ev = evaluatorWith(rules);
    ev.observeScan(scan, 0);
    const fine = scanOf([up('10.0.0.1', 'A'), up('10.0.0.2', 'A')]);
    ev.observeScan(fine, 1);
    assert.equal([...ev.alerts()][0]?.state, 'resolved');
    ev.observeScan(fine, 1 + RESOLVED_RETENTION_MS);
    assert.deepEqual([...ev.alerts()], []);
  });
});
