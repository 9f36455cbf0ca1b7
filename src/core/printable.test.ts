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
    ['User\u202eecivreS', 'User\\u202eecivreS'],
    ['zero\u200bwidth\u200d\ufeff', 'zero\\u200bwidth\\u200d\\ufeff'],
    ['isolate \u2066x\u2069, soft\u00adhyphen', 'isolate \\u2066x\\u2069, soft\\u00adhyphen'],
    ['tag \u{e0041}', 'tag \\u{e0041}'],
  ];
  for (const [text, printed] of cases) {
    // Named by the expected text: the input itself could reorder the test report.
    it(printed, () => assert.equal(escapeUnprintable(text), printed));
  }

  it('leaves no control character in any text, and changes none of the others', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const printed = escapeUnprintable(text);
        assert.doesNotMatch(printed, /[\p{Cc}\p{Cf}\u2028\u2029]/u);
        if (printed === text) return;
        assert.ok(printed.length > text.length);
      }),
      { numRuns: 1000 },
    );
  });
});
