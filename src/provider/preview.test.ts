import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { preview } from './preview.ts';

describe('preview', () => {
  it('quotes, escapes and shortens', () => {
    assert.equal(preview('abc'), '"abc"');
    assert.equal(preview(42), '42');
    assert.equal(preview(undefined), 'undefined');
    assert.equal(preview('a\u009bb\u2028'), '"a\\u009bb\\u2028"');
    assert.equal(preview('x'.repeat(50)), `"${'x'.repeat(36)}...`);
  });

  it('is always one short printable line', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.jsonValue()), (value) => {
        const text = preview(value);
        assert.ok(text.length <= 40);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
        assert.doesNotMatch(text, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
      }),
      { numRuns: 1000 },
    );
  });
});
