import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMatcher, type Matcher, matchesAll, parseMatcher } from './matchers.ts';

const parse = (text: string): Matcher => {
  const m = parseMatcher(text);
  if (typeof m === 'string') throw new Error(m);
  return m;
};

describe('matchers', () => {
  const labels = { alertname: 'ServiceFlagged', service: 'PaymentService', severity: 'critical' };

  for (const [text, expected] of [
    ['service=PaymentService', true],
    ['service="PaymentService"', true],
    ['service = PaymentService', true],
    ['service!=PaymentService', false],
    ['service=~Pay.*', true],
    ['service=~Pay', false], // anchored, as in Alertmanager
    ['service!~"Search.*"', true],
    ['team=', true], // a missing label is the empty value
    ['team!=""', false],
    ['severity=~"crit.*|warn.*"', true],
  ] as const) {
    it(`${text} → ${expected}`, () => assert.equal(matchesAll([parse(text)], labels), expected));
  }

  it('prints values quoted, so they read back the same', () => {
    const m = parse('service="Payment Gateway \\"EU\\""');
    assert.equal(m.value, 'Payment Gateway "EU"');
    assert.equal(formatMatcher(m), 'service="Payment Gateway \\"EU\\""');
    assert.deepEqual(parse(formatMatcher(m)).value, m.value);
  });

  it('says what is wrong with a bad matcher', () => {
    assert.match(String(parseMatcher('service')), /is not a matcher/);
    assert.match(String(parseMatcher('9x=1')), /is not a matcher/);
    assert.match(String(parseMatcher('service=~"("')), /not a valid regular expression/);
    assert.match(String(parseMatcher('service="open')), /unescaped "/);
    assert.match(String(parseMatcher(`service=${'x'.repeat(2000)}`)), /longer than 1024/);
  });
});
