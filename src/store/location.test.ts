import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeLocation, parseStoreLocation } from './location.ts';

describe('parseStoreLocation', () => {
  it('reads memory, paths and PostgreSQL URLs, and never shows a password', () => {
    assert.deepEqual(parseStoreLocation(' Memory '), { ok: true, value: { kind: 'memory' } });
    assert.deepEqual(parseStoreLocation('/var/lib/fleetmon/h.db'), {
      ok: true,
      value: { kind: 'sqlite', path: '/var/lib/fleetmon/h.db' },
    });
    const pg = parseStoreLocation(
      'postgresql://fm:s3cret@db.internal:5433/fleet?sslmode=require&password=x',
    );
    assert.ok(pg.ok && pg.value.kind === 'postgres');
    assert.equal(pg.value.display, 'postgresql://fm@db.internal:5433/fleet?sslmode=require');
    assert.equal(
      describeLocation(pg.value),
      'postgres postgresql://fm@db.internal:5433/fleet?sslmode=require',
    );
    assert.doesNotMatch(JSON.stringify(describeLocation(pg.value)), /s3cret/);
  });

  it('says what is wrong with a URL it cannot use', () => {
    const cases: [string, RegExp][] = [
      ['mysql://u:p@h/db', /unsupported scheme \(mysql:\/\/\)/],
      ['postgres://h:5432', /names no database/],
      ['postgres://h:99999/db', /not a valid URL/],
      ['  ', /./],
    ];
    for (const [text, problem] of cases) {
      const result = parseStoreLocation(text);
      assert.equal(result.ok, false, text);
      if (!result.ok) assert.match(`${result.problem ?? ''} ${result.allowed}`, problem);
    }
  });
});
