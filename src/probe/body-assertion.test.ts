import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkBody, jsonAssertion, regexAssertion } from './body-assertion.ts';
import { parseExpectedStatus, statusMatches } from './expected-status.ts';
import { parseJsonPath, valueAt } from './json-path.ts';

describe('parseJsonPath and valueAt', () => {
  const doc = { status: 'ok', checks: [{ name: 'db', up: true }], 'odd key': { 'a.b': 1 } };
  const cases: [string, (string | number)[] | undefined, unknown][] = [
    ['$.status', ['status'], 'ok'],
    ['status', ['status'], 'ok'],
    ['$.checks[0].name', ['checks', 0, 'name'], 'db'],
    ['checks[0].up', ['checks', 0, 'up'], true],
    ['$["odd key"][\'a.b\']', ['odd key', 'a.b'], 1],
    ['$', [], doc],
  ];
  for (const [text, steps, value] of cases) {
    it(text, () => {
      assert.deepEqual(parseJsonPath(text), steps);
      assert.deepEqual(valueAt(doc, steps ?? []), { found: true, value });
    });
  }
  for (const bad of ['$..status', 'a[', '$.a[-1]', '$.*', '[0', '$ .a']) {
    it(`rejects ${bad}`, () => assert.equal(parseJsonPath(bad), undefined));
  }
  it('says when a step is missing', () => {
    assert.deepEqual(valueAt(doc, ['checks', 3]), { found: false });
    assert.deepEqual(valueAt(doc, ['status', 'x']), { found: false });
    assert.deepEqual(valueAt(doc, ['toString']), { found: false });
  });
});

describe('checkBody', () => {
  const json = (path: string, equals?: string | number | boolean | null) => {
    const made = jsonAssertion(path, equals);
    assert.ok(made.ok);
    return made.ok ? made.value : assert.fail();
  };
  const regex = (pattern: string) => {
    const made = regexAssertion(pattern);
    return made.ok ? made.value : assert.fail();
  };
  const cases: [string, ReturnType<typeof json>, string, string | undefined][] = [
    ['value equal', json('$.status', 'ok'), '{"status":"ok"}', undefined],
    [
      'value differs',
      json('$.status', 'ok'),
      '{"status":"degraded"}',
      '$.status is "degraded", expected "ok"',
    ],
    ['type differs', json('$.code', 200), '{"code":"200"}', '$.code is "200", expected 200'],
    ['exists', json('$.version'), '{"version":null}', undefined],
    ['missing', json('$.version'), '{}', 'no value at $.version in the body'],
    ['not JSON', json('$.status', 'ok'), '<html>', 'body is not JSON, so $.status cannot be read'],
    ['regex matches', regex('"status":\\s*"ok"'), '{"status": "ok"}', undefined],
    ['regex does not match', regex('^pong$'), 'ping', 'body does not match /^pong$/'],
  ];
  for (const [name, assertion, body, why] of cases) {
    it(name, () => assert.equal(checkBody(assertion, body), why));
  }
  it('refuses a bad path or a bad regex with a reason', () => {
    assert.match(JSON.stringify(jsonAssertion('a[')), /is not a JSON path/);
    assert.match(JSON.stringify(regexAssertion('(')), /is not a regular expression/);
  });
});

describe('parseExpectedStatus', () => {
  const cases: [string, [number, number][] | undefined][] = [
    ['200', [[200, 200]]],
    ['2xx', [[200, 299]]],
    [
      '2XX,301',
      [
        [200, 299],
        [301, 301],
      ],
    ],
    [
      '200-299, 304',
      [
        [200, 299],
        [304, 304],
      ],
    ],
    ['600', undefined],
    ['299-200', undefined],
    ['ok', undefined],
    ['', undefined],
  ];
  for (const [text, ranges] of cases) {
    it(JSON.stringify(text), () => assert.deepEqual(parseExpectedStatus(text)?.ranges, ranges));
  }
  it('matches inside the ranges only', () => {
    const expected = parseExpectedStatus('2xx,404');
    assert.ok(expected);
    if (expected === undefined) return;
    assert.equal(statusMatches(expected, 204), true);
    assert.equal(statusMatches(expected, 404), true);
    assert.equal(statusMatches(expected, 301), false);
  });
});
