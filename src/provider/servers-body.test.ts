import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseServerList } from './servers-body.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

describe('parseServerList', () => {
  const cases: Array<[text: string, ips: string[], warnings: number]> = [
    ['[]', [], 0],
    ['["10.0.0.1", "::1"]', ['10.0.0.1', '::1'], 0],
    ['["10.0.0.1", "10.0.0.1"]', ['10.0.0.1'], 1],
    ['["10.0.0.1", "x", 7, null, "x"]', ['10.0.0.1', 'x', '7', 'null'], 2],
    [` ["10.0.0.1", "${'y'.repeat(100)}"] `, ['10.0.0.1', `"${'y'.repeat(36)}...`], 1],
    ['["10.0.0.1", "a\\u0007b"]', ['10.0.0.1', '"a\\u0007b"'], 1],
  ];
  for (const [text, ips, warnings] of cases) {
    it(`reads ${text.slice(0, 40)}`, () => {
      const result = parseServerList(text);
      assert.ok(result.ok);
      assert.deepEqual(result.ips, ips);
      assert.equal(result.warnings.length, warnings);
    });
  }

  const problems: Array<[text: string, problem: string]> = [
    ['', 'body is empty'],
    ['<html>', 'body is not JSON'],
    ['{"servers": []}', 'body is not a JSON array'],
    ['["a", "b"]', 'none of its 2 entries is an IP address'],
  ];
  for (const [text, problem] of problems) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.deepEqual(parseServerList(text), { ok: false, problem });
    });
  }

  it('refuses a list longer than the limit, saying how long it was', () => {
    assert.deepEqual(parseServerList('["10.0.0.1", "10.0.0.2", "10.0.0.3"]', 2), {
      ok: false,
      problem: 'it lists 3 entries, more than the limit of 2',
      entries: 3,
    });
    assert.ok(parseServerList('["10.0.0.1", "10.0.0.2"]', 2).ok);
  });
});

describe('parseServerList properties', () => {
  const entry = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.string({ unit: 'binary' }),
    fc.jsonValue(),
    fc.constantFrom('10.0.0.1', '10.0.0.1', '::1'),
  );

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary-ascii' }), fc.json()), (text) => {
        const result = parseServerList(text);
        if (!result.ok) assert.ok(result.problem.length > 0 && !/[\r\n]/.test(result.problem));
      }),
      { numRuns: 1000 },
    );
  });

  it('accounts for every distinct entry once, in order, each printable and short', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), (entries) => {
        const result = parseServerList(JSON.stringify(entries));
        const ips = entries.filter((e): e is string => typeof e === 'string' && isIP(e) !== 0);
        if (ips.length === 0 && entries.length > 0) {
          assert.equal(result.ok, false);
          return;
        }
        assert.ok(result.ok);
        assert.equal(new Set(result.ips).size, result.ips.length, 'no duplicates');
        // Every distinct IP is there, in first-seen order.
        assert.deepEqual(
          result.ips.filter((ip) => isIP(ip) !== 0 && ips.includes(ip)),
          [...new Set(ips)],
        );
        for (const text of result.ips) {
          assert.ok(text.length <= 64 && text.trim() !== '', JSON.stringify(text));
          assert.doesNotMatch(text, UNPRINTABLE);
        }
        for (const warning of result.warnings) assert.doesNotMatch(warning, UNPRINTABLE);
      }),
      { numRuns: 500 },
    );
  });

  it('never accepts more entries than the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.ipV4(), { maxLength: 20 }), fc.nat(20), (ips, limit) => {
        const result = parseServerList(JSON.stringify(ips), limit);
        assert.equal(result.ok, ips.length <= limit);
      }),
    );
  });
});
