import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkConfigText } from './config-file.ts';
import { defaultStorePath, resolveSettings } from './settings.ts';

describe('retention: in the config file', () => {
  it('reads durations per kind, in ms, and leaves the rest to the defaults', () => {
    const result = checkConfigText('retention: { raw: 12h, hour: 90d }\n', 'f.yaml');
    assert.ok(result.ok);
    assert.deepEqual(result.config.sections.retention, {
      raw: 12 * 3_600_000,
      hour: 90 * 86_400_000,
    });
  });

  it('says where a period is too short, or a kind unknown', () => {
    const result = checkConfigText('retention:\n  minute: 5m\n  days: 3d\n', 'f.yaml');
    assert.ok(!result.ok);
    assert.deepEqual(
      result.problems.map((p) => `${p.line}:${p.column} ${p.message}`),
      [
        '2:11 retention.minute: expected a duration from 2h to 3650d, such as 48h or 30d',
        '3:3 unknown key "days" in retention (allowed: raw, minute, hour, events, probes)',
      ],
    );
  });
});

describe('the store setting', () => {
  it('defaults to history.db in the XDG state directory, else ~/.local/state', () => {
    assert.equal(
      defaultStorePath({ XDG_STATE_HOME: '/srv/state' }),
      '/srv/state/fleetmon/history.db',
    );
    assert.equal(
      defaultStorePath({ XDG_STATE_HOME: 'relative' }),
      join(homedir(), '.local/state/fleetmon/history.db'),
    );
    const settings = resolveSettings({ flags: {}, env: { XDG_STATE_HOME: '/srv/state' } });
    assert.deepEqual(
      [settings.store, settings.storeIsDefault],
      [{ kind: 'sqlite', path: '/srv/state/fleetmon/history.db' }, true],
    );
  });

  it('takes --store over FLEETMON_STORE over DATABASE_URL, and ~ as the home directory', () => {
    const env = { FLEETMON_STORE: 'memory', DATABASE_URL: 'postgres://fm@db/fleet' };
    assert.deepEqual(resolveSettings({ flags: { store: '~/h.db' }, env }).store, {
      kind: 'sqlite',
      path: join(homedir(), 'h.db'),
    });
    assert.deepEqual(resolveSettings({ flags: {}, env }).store, { kind: 'memory' });
    assert.equal(
      resolveSettings({ flags: {}, env: { DATABASE_URL: env.DATABASE_URL } }).store.kind,
      'postgres',
    );
  });
});
