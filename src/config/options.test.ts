import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FleetmonError } from '../core/errors.ts';
import { duration, integer, oneOf } from './fields.ts';
import { list, optionEnv, resolveOptions, toggle, value } from './options.ts';

const defs = {
  interval: value('--interval <duration>', 'between scans', duration(100, 60_000), {
    default: 5000,
  }),
  count: value('--count <n>', 'scans', integer(1, 10)),
  status: list('--status <s>', 'filter', oneOf(['ok', 'flagged'] as const)),
  listenPublic: toggle('--listen-public', 'wider'),
  token: value('--token <t>', 'secret', integer(0, 9), { env: 'APP_TOKEN', file: false }),
};

const file = (values: Record<string, unknown>) => ({
  values,
  where: (key: string) => `f.yaml:3:5: serve.${key}`,
});

describe('resolveOptions', () => {
  it('takes flag over environment over config file over default', () => {
    const all = { flags: { interval: '1s' }, env: { FLEETMON_SERVE_INTERVAL: '2s' } };
    const sources = { ...all, file: file({ interval: '3s' }), section: 'serve' };
    assert.equal(resolveOptions(defs, sources).interval, 1000);
    assert.equal(resolveOptions(defs, { ...sources, flags: {} }).interval, 2000);
    assert.equal(resolveOptions(defs, { ...sources, flags: {}, env: {} }).interval, 3000);
    const none = resolveOptions(defs, { flags: {}, env: {}, section: 'serve' });
    assert.deepEqual(none, {
      interval: 5000,
      count: undefined,
      status: [],
      listenPublic: false,
      token: undefined,
    });
  });

  it('reads lists from repeated flags, commas, and YAML arrays alike', () => {
    const read = (flags: Record<string, unknown>, env: Record<string, string>, values = {}) =>
      resolveOptions(defs, { flags, env, file: file(values), section: 'serve' }).status;
    assert.deepEqual(read({ status: ['ok', 'flagged'] }, {}), ['ok', 'flagged']);
    assert.deepEqual(read({}, { FLEETMON_SERVE_STATUS: 'ok, flagged' }), ['ok', 'flagged']);
    assert.deepEqual(read({}, {}, { status: ['flagged'] }), ['flagged']);
  });

  it('reads switches from flags, env words and YAML booleans', () => {
    const read = (flags: Record<string, unknown>, env: Record<string, string>, values = {}) =>
      resolveOptions(defs, { flags, env, file: file(values), section: 'serve' }).listenPublic;
    assert.equal(read({ listenPublic: true }, {}), true);
    assert.equal(read({}, { FLEETMON_SERVE_LISTEN_PUBLIC: 'yes' }), true);
    assert.equal(read({}, {}, { listenPublic: false }), false);
  });

  it('names where a bad value came from: flag is usage, env and file are config', () => {
    const attempt = (sources: Parameters<typeof resolveOptions>[1]) => {
      try {
        resolveOptions(defs, sources);
        return undefined;
      } catch (err) {
        assert.ok(err instanceof FleetmonError);
        return [err.code, err.message];
      }
    };
    assert.deepEqual(attempt({ flags: { count: 'x' }, env: {}, section: 'monitor' }), [
      'usage',
      '--count: "x" is not valid; expected a whole number from 1 to 10',
    ]);
    assert.deepEqual(
      attempt({ flags: {}, env: { FLEETMON_MONITOR_COUNT: '99' }, section: 'monitor' }),
      ['config', 'FLEETMON_MONITOR_COUNT: "99" is not valid; expected a whole number from 1 to 10'],
    );
    assert.deepEqual(
      attempt({ flags: {}, env: {}, file: file({ count: [1, 2] }), section: 'serve' }),
      [
        'config',
        'f.yaml:3:5: serve.count: [1,2] is not valid; expected a single value, not a list',
      ],
    );
  });

  it('never echoes a secret, and never reads one from the file', () => {
    assert.throws(
      () => resolveOptions(defs, { flags: {}, env: { APP_TOKEN: 'hunter2' }, section: 's' }),
      (err: Error) =>
        err.message === 'APP_TOKEN: the value is not valid; expected a whole number from 0 to 9',
    );
    const fromFile = resolveOptions(defs, {
      flags: {},
      env: {},
      file: file({ token: '5' }),
      section: 's',
    });
    assert.equal(fromFile.token, undefined);
  });

  it('treats an empty environment variable as unset', () => {
    const sources = { flags: {}, env: { FLEETMON_SERVE_INTERVAL: '' }, section: 'serve' };
    assert.equal(resolveOptions(defs, sources).interval, 5000);
  });
});

describe('optionEnv', () => {
  it('derives FLEETMON_[COMMAND_]OPTION unless an option names its own', () => {
    assert.deepEqual(optionEnv(defs.listenPublic, 'serve'), ['FLEETMON_SERVE_LISTEN_PUBLIC']);
    assert.deepEqual(optionEnv(defs.interval, undefined), ['FLEETMON_INTERVAL']);
    assert.deepEqual(optionEnv(defs.token, 'serve'), ['APP_TOKEN']);
  });

  it('reads several variables in order, the first set winning, and redacts a bad value', () => {
    const where = value(
      '--where <url>',
      'a place',
      (text) => (text.startsWith('ok') ? { ok: true, value: text } : { ok: false, allowed: 'ok…' }),
      { env: ['FIRST', 'SECOND'], redact: (text) => text.replace(/:[^:@/]*@/, '@') },
    );
    const resolve = (env: Record<string, string>) =>
      resolveOptions({ where }, { flags: {}, env }).where;
    assert.equal(resolve({ FIRST: 'ok1', SECOND: 'ok2' }), 'ok1');
    assert.equal(resolve({ SECOND: 'ok2' }), 'ok2');
    assert.throws(
      () => resolve({ SECOND: 'x://u:secret@h' }),
      (err: Error) => {
        assert.match(err.message, /^SECOND: "x:\/\/u@h" is not valid/);
        assert.doesNotMatch(err.message, /secret/);
        return true;
      },
    );
  });
});
