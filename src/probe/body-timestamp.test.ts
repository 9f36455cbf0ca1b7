import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BodyStamp, findBodyStamp } from './body-timestamp.ts';

const T = Date.UTC(2026, 0, 2, 3, 4, 5); // 2026-01-02T03:04:05Z

describe('findBodyStamp', () => {
  const stamps: [string, string, boolean, number, number, string][] = [
    // name, body, JSON content type, ms, precision ms, field
    [
      'ISO with ms (serve /now)',
      `{"iso":"2026-01-02T03:04:05.123Z","epochMs":${T + 123}}`,
      true,
      T + 123,
      1,
      '$.iso',
    ],
    [
      'epoch ms with decimals beats ISO ms',
      `{"iso":"2026-01-02T03:04:05.123Z","epochMs":${T + 123}.456}`,
      true,
      T + 123.456,
      0.001,
      '$.epochMs',
    ],
    [
      'ISO with µs and an offset',
      '{"datetime":"2026-01-02T05:04:05.123456+02:00"}',
      true,
      T + 123.456,
      0.001,
      '$.datetime',
    ],
    [
      'epoch seconds with decimals',
      `{"unixtime": ${T / 1000 + 0.25}}`,
      true,
      T + 250,
      10,
      '$.unixtime',
    ],
    ['epoch µs by magnitude', `{"ts": ${(T + 1.5) * 1000}}`, true, T + 1.5, 0.001, '$.ts'],
    // Nanoseconds are finer than a double holds at today's dates: the precision is its last bit.
    [
      'epoch ns by key name',
      `{"epoch_ns": "${(T + 7) * 1e6}"}`,
      true,
      T + 7,
      2 ** (Math.floor(Math.log2(T + 7)) - 52),
      '$.epoch_ns',
    ],
    [
      'nested one level',
      `{"data":{"now":"2026-01-02T03:04:05.5Z"}}`,
      true,
      T + 500,
      100,
      '$.data.now',
    ],
    ['a bare JSON number', `${T / 1000}.125`, true, T + 125, 1, '$'],
    ['a JSON string', '"2026-01-02T03:04:05.001Z"', true, T + 1, 1, '$'],
    ['plain text epoch', `${T}.5\n`, false, T + 0.5, 0.1, '$'],
    [
      'an ISO time inside text',
      'server time is 2026-01-02 03:04:05,25Z ok',
      false,
      T + 250,
      10,
      '$',
    ],
    ['a time under "time"', '{"time":"2026-01-02T03:04:05.100Z"}', true, T + 100, 1, '$.time'],
  ];
  for (const [name, body, json, ms, precisionMs, field] of stamps) {
    it(name, () => {
      const found = findBodyStamp(body, json);
      assert.equal(found.kind, 'stamp', JSON.stringify(found));
      if (found.kind !== 'stamp') return;
      assert.ok(Math.abs(found.stamp.ms - ms) < 1e-3, `${found.stamp.ms} vs ${ms}`);
      assert.ok(
        Math.abs(found.stamp.precisionMs - precisionMs) < 1e-9,
        `${found.stamp.precisionMs}`,
      );
      assert.equal(found.field, field);
    });
  }

  const others: [string, string, boolean, BodyStamp['kind'], RegExp?][] = [
    ['empty', '', true, 'none'],
    ['no time at all', '{"status":"ok","version":"1.2.3"}', true, 'none'],
    ['HTML page', '<html><body>It works</body></html>', false, 'none'],
    ['whole seconds only', `{"unixtime": ${T / 1000}}`, true, 'coarse'],
    ['ISO without a fraction', '{"now":"2026-01-02T03:04:05Z"}', true, 'coarse'],
    ['an HTTP date in the body', '{"now":"Fri, 02 Jan 2026 03:04:05 GMT"}', true, 'coarse'],
    ['garbage under a time key', '{"now":"soon"}', true, 'garbage', /\$\.now/],
    ['impossible date', '{"iso":"2026-02-30T03:04:05.000Z"}', true, 'garbage', /not a valid date/],
    ['no time zone', '{"iso":"2026-01-02T03:04:05.123"}', true, 'garbage', /no time zone/],
    ['negative epoch', '{"epochMs": -5}', true, 'garbage', /-5 is not a time/],
    ['beyond the year 9999', '{"epochMs": 1e20}', true, 'garbage', /after the year 9999/],
    ['text that looks like a bad time', '2026-13-02T03:04:05.1Z', false, 'garbage'],
    [
      'a non-time under a maybe-time key is ignored',
      '{"date":"2026-01-02","time":"noon"}',
      true,
      'none',
    ],
    ['a JSON string that is not a time', '"hello"', true, 'none'],
  ];
  for (const [name, body, json, kind, problem] of others) {
    it(`${name}: ${kind}`, () => {
      const found = findBodyStamp(body, json);
      assert.equal(found.kind, kind, JSON.stringify(found));
      if (problem !== undefined && found.kind === 'garbage')
        assert.match(`${found.field}: ${found.problem}`, problem);
    });
  }

  it('a good time anywhere wins over garbage elsewhere', () => {
    const found = findBodyStamp('{"now":"??","epochMs":1767225600000.5}', true);
    assert.equal(found.kind, 'stamp');
  });

  it('stops looking after a bounded number of fields', () => {
    const big = `{"items":[${Array.from({ length: 5000 }, (_, i) => `{"n":${i}}`).join(',')}],"now":"x"}`;
    assert.equal(findBodyStamp(big, true).kind, 'garbage');
  });
});
