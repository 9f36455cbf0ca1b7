import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderCsv } from './machine.ts';

describe('renderCsv', () => {
  it('quotes fields with comma, quote, CR or LF and doubles embedded quotes', () => {
    const out = renderCsv(['a', 'b'] as const, [
      { a: 'plain', b: 'with,comma' },
      { a: 'say "hi"', b: 'line\nbreak' },
      { a: 'cr\rhere', b: 1.5 },
      { a: null, b: undefined },
      { a: ' spaced ', b: Number.NaN },
    ]);
    assert.equal(
      out,
      'a,b\nplain,"with,comma"\n"say ""hi""","line\nbreak"\n"cr\rhere",1.5\n,\n spaced ,\n',
    );
  });
});
