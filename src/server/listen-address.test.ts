import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FleetmonError } from '../core/errors.ts';
import { parseListenAddress, urlOf } from './listen-address.ts';

describe('parseListenAddress', () => {
  const good: [string, string, number, boolean][] = [
    ['127.0.0.1:8080', '127.0.0.1', 8080, true],
    ['8080', '127.0.0.1', 8080, true],
    ['localhost:0', 'localhost', 0, true],
    ['[::1]:9000', '::1', 9000, true],
    ['127.1.2.3:80', '127.1.2.3', 80, true],
    ['[::ffff:127.0.0.1]:80', '::ffff:127.0.0.1', 80, true],
    ['app.localhost:80', 'app.localhost', 80, true],
    [':8080', '0.0.0.0', 8080, false],
    ['0.0.0.0:8080', '0.0.0.0', 8080, false],
    ['[::]:8080', '::', 8080, false],
    ['10.1.2.3:8080', '10.1.2.3', 8080, false],
    ['dashboard.internal:8080', 'dashboard.internal', 8080, false],
  ];
  for (const [text, host, port, loopback] of good) {
    it(`reads ${text}`, () => {
      assert.deepEqual(parseListenAddress(text), { host, port, loopback });
    });
  }

  for (const bad of [
    '',
    'localhost',
    '127.0.0.1:',
    '127.0.0.1:99999',
    '::1:80',
    '[::1]',
    '[nope]:80',
    'a b:80',
    'x:-1',
  ]) {
    it(`rejects ${JSON.stringify(bad)} as a usage error naming the flag`, () => {
      assert.throws(
        () => parseListenAddress(bad),
        (err: unknown) =>
          err instanceof FleetmonError &&
          err.code === 'usage' &&
          err.message.startsWith('--listen:'),
      );
    });
  }
});

describe('urlOf', () => {
  it('turns wildcards into loopback and brackets IPv6', () => {
    assert.equal(urlOf('0.0.0.0', 80), 'http://127.0.0.1:80/');
    assert.equal(urlOf('::', 80), 'http://[::1]:80/');
    assert.equal(urlOf('::1', 80), 'http://[::1]:80/');
    assert.equal(urlOf('localhost', 8080), 'http://localhost:8080/');
  });
});
