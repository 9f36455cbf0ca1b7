import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFleetmonError } from '../core/errors.ts';
import { BUILTIN_RULES } from './rule-kinds.ts';
import { configOf } from './test-fixtures.test-helper.ts';

describe('compileAlertConfig', () => {
  it('with no alerts: section, evaluates the built-in rules and sends nothing', () => {
    const config = configOf(undefined);
    assert.deepEqual(
      config.rules.map((r) => r.name),
      BUILTIN_RULES.map((b) => b.name),
    );
    assert.deepEqual([config.receivers, config.routes], [[], []]);
    const cpu = config.rules.find((r) => r.name === 'ServiceCpuHigh');
    assert.deepEqual([cpu?.threshold, cpu?.antiFlap.forMs], [75, 300_000]);
  });

  it('a rule of a built-in name changes what it sets and keeps the rest; enabled: false drops it', () => {
    const config = configOf({
      rules: [
        { name: 'InstanceUnreachable', failures: 4, severity: 'critical' },
        { name: 'ServiceMemoryHigh', enabled: false },
      ],
    });
    const rule = config.rules.find((r) => r.name === 'InstanceUnreachable');
    assert.deepEqual(
      [rule?.antiFlap, rule?.severity],
      [{ failures: 4, of: 5, successes: 2, forMs: 0 }, 'critical'],
    );
    assert.equal(
      config.rules.some((r) => r.name === 'ServiceMemoryHigh'),
      false,
    );
  });

  it('builtins: false keeps only the rules listed', () => {
    const config = configOf({
      builtins: false,
      rules: [{ name: 'ScansStale' }, { name: 'Mine', kind: 'probe-failing' }],
    });
    assert.deepEqual(
      config.rules.map((r) => [r.name, r.antiFlap.failures, r.antiFlap.of]),
      [
        ['ScansStale', 1, 1],
        ['Mine', 1, 1],
      ],
    );
  });

  it('without routes every receiver gets every alert; group settings apply to routes', () => {
    const config = configOf({
      receivers: [
        { name: 'a', log: {} },
        { name: 'b', log: {} },
      ],
      group: { wait: '10s', repeat: '1h' },
    });
    assert.deepEqual(
      config.routes.map((r) => [
        r.receiver,
        r.continue,
        r.groupWaitMs,
        r.repeatIntervalMs,
        r.groupBy,
      ]),
      [
        ['a', true, 10_000, 3_600_000, ['alertname']],
        ['b', true, 10_000, 3_600_000, ['alertname']],
      ],
    );
  });

  it('reads receiver secrets from the environment, and says which one is missing', () => {
    const alerts = {
      receivers: [
        { name: 'chat', slack: { urlEnv: 'SLACK_URL' } },
        { name: 'hook', webhook: { url: 'http://127.0.0.1:1/', bearerTokenEnv: 'HOOK_TOKEN' } },
      ],
    };
    const config = configOf(alerts, undefined, {
      SLACK_URL: 'https://hooks.slack.com/services/T/B/x',
      HOOK_TOKEN: 't0ken',
    });
    const [chat, hook] = config.receivers;
    assert.equal(chat?.kind === 'slack' && chat.url, 'https://hooks.slack.com/services/T/B/x');
    assert.deepEqual(hook?.kind === 'webhook' && hook.headers, { Authorization: 'Bearer t0ken' });
    assert.throws(
      () => configOf(alerts, undefined, { SLACK_URL: 'https://hooks.slack.com/x' }),
      (err) =>
        isFleetmonError(err) &&
        err.code === 'config' &&
        err.message ===
          'receiver "hook": environment variable HOOK_TOKEN (its bearer token) is not set',
    );
  });
});
