import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseStatsBody } from './stats-body.ts';

const body = (fields: Record<string, unknown>): string => JSON.stringify(fields);

describe('parseStatsBody accepts', () => {
  const cases: Array<[text: string, cpu: number, memory: number, service: string]> = [
    [body({ cpu: '61%', memory: '4%', service: 'UserService' }), 61, 4, 'UserService'],
    [body({ cpu: '61.5%', memory: '0%', service: 'A' }), 61.5, 0, 'A'],
    [body({ cpu: '61', memory: '100', service: 'A' }), 61, 100, 'A'],
    [body({ cpu: 61, memory: 4.25, service: 'A' }), 61, 4.25, 'A'],
    [body({ cpu: 0, memory: 100, service: 'A' }), 0, 100, 'A'],
    [body({ cpu: ' 7 % ', memory: '.5%', service: '  Padded  ' }), 7, 0.5, 'Padded'],
    [body({ cpu: '-0', memory: '5.%', service: 'A', extra: [1, 2] }), 0, 5, 'A'],
    ['{"cpu":"1%","memory":"2%","service":"Ünïcødé Service"}', 1, 2, 'Ünïcødé Service'],
  ];
  for (const [text, cpu, memory, service] of cases) {
    it(text, () => {
      assert.deepEqual(parseStatsBody(text), { ok: true, stats: { cpu, memory, service } });
    });
  }
});

describe('parseStatsBody rejects', () => {
  const cases: Array<[text: string, service: string | null, error: string]> = [
    ['', null, 'body is empty'],
    ['  \n', null, 'body is empty'],
    ['<html>oops</html>', null, 'body is not JSON'],
    ['{"cpu": "61%",', null, 'body is not JSON'],
    ['[1,2]', null, 'body is not a JSON object'],
    ['null', null, 'body is not a JSON object'],
    ['"61%"', null, 'body is not a JSON object'],
    [body({ memory: '4%', service: 'A' }), 'A', 'missing field "cpu"'],
    [body({ cpu: 'abc', memory: '4%', service: 'A' }), 'A', 'cpu "abc" is not a percentage'],
    [body({ cpu: '6 1%', memory: '4%', service: 'A' }), 'A', 'cpu "6 1%" is not a percentage'],
    [body({ cpu: '%', memory: '4%', service: 'A' }), 'A', 'cpu "%" is not a percentage'],
    [body({ cpu: '', memory: '4%', service: 'A' }), 'A', 'cpu "" is not a percentage'],
    [body({ cpu: null, memory: '4%', service: 'A' }), 'A', 'cpu null is not a percentage'],
    [body({ cpu: true, memory: '4%', service: 'A' }), 'A', 'cpu true is not a percentage'],
    [body({ cpu: '1e2', memory: '4%', service: 'A' }), 'A', 'cpu "1e2" is not a percentage'],
    [body({ cpu: '1%', memory: 150, service: 'A' }), 'A', 'memory 150 is out of range 0-100'],
    [
      body({ cpu: '1%', memory: '100.01%', service: 'A' }),
      'A',
      'memory "100.01%" is out of range 0-100',
    ],
    [body({ cpu: '-1%', memory: '4%', service: 'A' }), 'A', 'cpu "-1%" is out of range 0-100'],
    [
      body({ cpu: 'x', memory: 'y', service: 'A' }),
      'A',
      'cpu "x" is not a percentage; memory "y" is not a percentage',
    ],
    [body({ cpu: '1%', memory: '4%' }), null, 'missing field "service"'],
    [body({ cpu: '1%', memory: '4%', service: '' }), null, 'service must be a non-empty string'],
    [body({ cpu: '1%', memory: '4%', service: '   ' }), null, 'service must be a non-empty string'],
    [body({ cpu: '1%', memory: '4%', service: 42 }), null, 'service must be a non-empty string'],
    [
      body({ cpu: '1%', memory: '4%', service: 'x'.repeat(201) }),
      null,
      'service is longer than 200 characters',
    ],
    [
      body({ cpu: '1%', memory: '4%', service: 'a\u001b[31mred' }),
      null,
      'service contains control characters',
    ],
    [
      body({ cpu: 'x'.repeat(100), memory: '4%', service: 'A' }),
      'A',
      `cpu "${'x'.repeat(36)}... is not a percentage`,
    ],
    [body({ cpu: 'a\nb', memory: '4%', service: 'A' }), 'A', 'cpu "a\\nb" is not a percentage'],
  ];
  for (const [text, service, error] of cases) {
    it(`${text.slice(0, 60)} → ${error.slice(0, 60)}`, () => {
      assert.deepEqual(parseStatsBody(text), { ok: false, service, error });
    });
  }

  it('accepts a service of exactly 200 characters', () => {
    const result = parseStatsBody(body({ cpu: 1, memory: 1, service: 's'.repeat(200) }));
    assert.equal(result.ok, true);
  });
});

describe('parseStatsBody properties', () => {
  it('never throws and always gives a one-line reason for arbitrary text', () => {
    fc.assert(
      // 'binary' units would be thorough too, but cost 0.7 s of set-up for no extra coverage here.
      fc.property(
        fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary-ascii' }), fc.json()),
        (text) => {
          const result = parseStatsBody(text);
          if (!result.ok) assert.ok(result.error.length > 0 && !/[\r\n]/.test(result.error));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary JSON values and keeps numbers within 0-100', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record({ cpu: fc.jsonValue(), memory: fc.jsonValue(), service: fc.jsonValue() }),
        ),
        (value) => {
          const result = parseStatsBody(JSON.stringify(value));
          if (result.ok) {
            assert.ok(result.stats.cpu >= 0 && result.stats.cpu <= 100);
            assert.ok(result.stats.memory >= 0 && result.stats.memory <= 100);
          } else {
            assert.ok(!/[\r\n]/.test(result.error));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gives reasons free of control characters, whatever the values hold', () => {
    fc.assert(
      fc.property(
        fc.record({
          cpu: fc.oneof(fc.string({ unit: 'binary' }), fc.jsonValue()),
          memory: fc.jsonValue(),
          service: fc.oneof(fc.string({ unit: 'binary' }), fc.jsonValue()),
        }),
        (value) => {
          const result = parseStatsBody(JSON.stringify(value));
          const text = result.ok ? result.stats.service : result.error;
          // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
          assert.doesNotMatch(text, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads back every percentage it is given', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.integer({ min: 0, max: 100 }),
        (cpu, memory) => {
          const result = parseStatsBody(body({ cpu, memory: `${memory}%`, service: 'S' }));
          assert.deepEqual(result, { ok: true, stats: { cpu: cpu + 0, memory, service: 'S' } });
        },
      ),
    );
  });
});
