import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compareIp, ipv4Key } from './ip.ts';

/** The definition: four dot-separated decimal octets of 1-3 digits, each at most 255. */
function reference(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let key = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    key = key * 256 + Number(part);
  }
  return key;
}

describe('ipv4Key', () => {
  it('reads dotted quads as 32-bit numbers', () => {
    assert.equal(ipv4Key('0.0.0.0'), 0);
    assert.equal(ipv4Key('10.0.0.1'), 167772161);
    assert.equal(ipv4Key('255.255.255.255'), 2 ** 32 - 1);
    assert.equal(ipv4Key('010.001.000.009'), 167837705);
  });

  it('refuses anything else', () => {
    for (const ip of [
      '',
      '1.2.3',
      '1.2.3.4.5',
      '1.2.3.256',
      '1..3.4',
      '.1.2.3',
      '1.2.3.',
      '1.2.3.4 ',
      '1.2.3.1000',
      '::1',
      'a.b.c.d',
      '-1.2.3.4',
    ]) {
      assert.equal(ipv4Key(ip), null, ip);
    }
  });

  it('agrees with the definition on strings of digits and dots', () => {
    const ipLike = fc
      .array(fc.constantFrom('0', '1', '2', '5', '9', '.', '25', '255', '256'), { maxLength: 12 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(ipLike, (ip) => ipv4Key(ip) === reference(ip)),
      { numRuns: 2000 },
    );
  });

  it('orders numerically, IPv4 before anything else', () => {
    const sorted = ['10.0.0.10', 'host', '10.0.0.9', '::1', '9.255.255.255'].sort(compareIp);
    assert.deepEqual(sorted, ['9.255.255.255', '10.0.0.9', '10.0.0.10', '::1', 'host']);
  });
});
