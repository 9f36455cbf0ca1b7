import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytes, duration, type FieldParser, integer, oneOf, percent, rate } from './fields.ts';

describe('bytes', () => {
  const parse = bytes(1024, 1024 ** 3);
  const cases: Array<[text: string, value: number | null]> = [
    ['1048576', 1_048_576],
    ['1MiB', 1_048_576],
    ['1 MiB', 1_048_576],
    ['1m', 1_048_576],
    ['1MB', 1_000_000],
    ['512KiB', 524_288],
    ['64k', 65_536],
    ['1.5MiB', 1_572_864],
    ['1GiB', 1024 ** 3],
    ['2GiB', null],
    ['1000', null],
    ['1 parsec', null],
    ['-1MiB', null],
    ['', null],
  ];
  for (const [text, value] of cases) {
    it(`${JSON.stringify(text)} → ${value}`, () => {
      const result = parse(text);
      assert.deepEqual(result.ok ? result.value : null, value);
      if (!result.ok) assert.match(result.allowed, /512KiB.*1024 bytes to 1024 MiB/);
    });
  }
});

describe('field parser properties', () => {
  const parsers: Array<
    [name: string, parse: FieldParser<unknown>, check: (v: unknown) => boolean]
  > = [
    [
      'integer(1, 100)',
      integer(1, 100),
      (v) => Number.isInteger(v) && Number(v) >= 1 && Number(v) <= 100,
    ],
    ['percent', percent, (v) => typeof v === 'number' && v >= 0 && v <= 100],
    ['rate', rate, (v) => typeof v === 'number' && v >= 0 && v <= 1],
    ['duration(10, 600000)', duration(10, 600_000), (v) => Number(v) >= 10 && Number(v) <= 600_000],
    ['bytes(1024, 1 GiB)', bytes(1024, 1024 ** 3), (v) => Number.isInteger(v) && Number(v) >= 1024],
    ['oneOf(a, b)', oneOf(['a', 'b'] as const), (v) => v === 'a' || v === 'b'],
  ];
  const text = fc.oneof(
    fc.string({ unit: 'binary-ascii' }),
    fc.string({ unit: 'grapheme' }),
    fc
      .tuple(
        fc.constantFrom('', ' ', '-', '+'),
        fc.oneof(fc.nat().map(String), fc.double().map(String)),
        fc.constantFrom('', '%', 'ms', 's', 'm', 'h', 'KiB', 'MB', 'k', 'x', ' s'),
      )
      .map((parts) => parts.join('')),
  );
  for (const [name, parse, check] of parsers) {
    it(`${name}: never throws; a value is in range, a refusal says what is allowed`, () => {
      fc.assert(
        fc.property(text, (input) => {
          const result = parse(input);
          if (result.ok)
            assert.ok(check(result.value), `${JSON.stringify(input)} → ${result.value}`);
          else assert.ok(result.allowed.length > 0);
        }),
        { numRuns: 1000 },
      );
    });
  }
});
