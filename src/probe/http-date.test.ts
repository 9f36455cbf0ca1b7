import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHttpDate } from './http-date.ts';

describe('parseHttpDate', () => {
  const t = Date.UTC(1994, 10, 6, 8, 49, 37);
  const cases: [string, string, number | undefined][] = [
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT', t],
    ['RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT', t],
    ['asctime', 'Sun Nov  6 08:49:37 1994', t],
    ['surrounding spaces', '  Sun, 06 Nov 1994 08:49:37 GMT ', t],
    [
      'RFC 850 two-digit year after 1970 is in the 1900s, before in the 2000s',
      'Friday, 02-Jan-26 03:04:05 GMT',
      Date.UTC(2026, 0, 2, 3, 4, 5),
    ],
    ['a leap second', 'Sat, 31 Dec 2016 23:59:60 GMT', Date.UTC(2017, 0, 1, 0, 0, 0)],
    ['not GMT', 'Sun, 06 Nov 1994 08:49:37 PST', undefined],
    ['ISO 8601', '1994-11-06T08:49:37Z', undefined],
    ['31 November', 'Sun, 31 Nov 1994 08:49:37 GMT', undefined],
    ['hour 25', 'Sun, 06 Nov 1994 25:49:37 GMT', undefined],
    ['garbage', 'yesterday', undefined],
    ['empty', '', undefined],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => assert.equal(parseHttpDate(text), expected));
  }

  it('reads what Date#toUTCString writes', () => {
    const ms = Date.UTC(2026, 6, 4, 12, 0, 1);
    assert.equal(parseHttpDate(new Date(ms + 999).toUTCString()), ms);
  });
});
