import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { escapeUnprintable } from './printable.ts';

describe('escapeUnprintable', () => {
  const cases: Array<[text: string, printed: string]> = [
    ['plain text, ünïcødé', 'plain text, ünïcødé'],
    ['a\nb', 'a\\u000ab'],
    ['\u001b[31mred', '\\u001b[31mred'],
    ['8-bit CSI \u009b2J', '8-bit CSI \\u009b2J'],
    ['line\u2028separator', 'line\\u2028separator'],
  ];
  for (const [text, printed] of cases) {
    it(JSON.stringify(text), () => assert.equal(escapeUnprintable(text), printed));
  }

  it('leaves no control character in any text, and changes none of the others', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const printed = escapeUnprintable(text);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
        assert.doesNotMatch(printed, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
        if (printed === text) return;
        assert.ok(printed.length > text.length);
      }),
      { numRuns: 1000 },
    );
  });
});
