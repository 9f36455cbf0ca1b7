import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FleetmonError } from '../core/errors.ts';
import { displayUrl, parseApiAddress } from './address.ts';

describe('parseApiAddress accepts', () => {
  const cases: Array<[input: string, href: string]> = [
    ['http://127.0.0.1:9001', 'http://127.0.0.1:9001/'],
    ['http://127.0.0.1:9001/', 'http://127.0.0.1:9001/'],
    ['http://example.com:8080/cpx', 'http://example.com:8080/cpx/'],
    ['http://example.com:8080/cpx/v1/', 'http://example.com:8080/cpx/v1/'],
    ['https://cpx.example.com', 'https://cpx.example.com/'],
    ['HTTPS://CPX.example.com:8443', 'https://cpx.example.com:8443/'],
    ['127.0.0.1:9001', 'http://127.0.0.1:9001/'],
    ['localhost:9001', 'http://localhost:9001/'],
    ['localhost', 'http://localhost/'],
    ['cpx', 'http://cpx/'],
    ['10.1.2.3', 'http://10.1.2.3/'],
    ['my_host.internal:80', 'http://my_host.internal/'],
    ['[::1]:9001', 'http://[::1]:9001/'],
    ['[::1]', 'http://[::1]/'],
    ['http://[::1]:9001/', 'http://[::1]:9001/'],
    ['[2001:db8::1]:65535', 'http://[2001:db8::1]:65535/'],
    ['  127.0.0.1:1  ', 'http://127.0.0.1:1/'],
    ['host:9001/base', 'http://host:9001/base/'],
  ];
  for (const [input, href] of cases) {
    it(JSON.stringify(input), () => {
      assert.equal(parseApiAddress(input).href, href);
    });
  }
});

describe('parseApiAddress rejects', () => {
  const cases: Array<[input: string, fragment: RegExp]> = [
    ['', /is empty/],
    ['   ', /is empty/],
    ['local host:9001', /contains spaces/],
    ['127.0.0.1:0', /invalid port "0"/],
    ['127.0.0.1:65536', /invalid port "65536"/],
    ['127.0.0.1:abc', /invalid port "abc"/],
    ['127.0.0.1:', /invalid port ""/],
    ['127.0.0.1:-1', /invalid port "-1"/],
    ['::1:9001', /brackets, e\.g\. "\[::1\]:9001" for port 9001 or "\[::1:9001\]"/],
    ['fe80::zz', /brackets/],
    ['[::1', /invalid IPv6/],
    ['[nope]:80', /invalid IPv6/],
    ['[::1]x', /text after the IPv6/],
    ['ftp://host:21', /unsupported scheme "ftp:\/\/"/],
    ['file:///etc/passwd', /unsupported scheme/],
    ['http://', /has no host/],
    [':9001', /has no host/],
    ['http://user:pw@host', /credentials/],
    ['host:80?x=1', /query or fragment/],
    ['999.1.1.1', /invalid host "999\.1\.1\.1"/],
    ['bad..host', /invalid host/],
    ['-host', /invalid host/],
    ['ho$t', /invalid host/],
  ];
  for (const [input, fragment] of cases) {
    it(JSON.stringify(input), () => {
      assert.throws(
        () => parseApiAddress(input),
        (err: unknown) => {
          assert.ok(err instanceof FleetmonError);
          assert.equal(err.code, 'usage');
          assert.match(err.message, fragment);
          assert.match(err.message, /expected http\[s\]:\/\/host/);
          assert.ok(!err.message.includes('\n'));
          return true;
        },
      );
    });
  }
});

describe('displayUrl', () => {
  it('drops the lone trailing slash but keeps a base path', () => {
    assert.equal(displayUrl(parseApiAddress('127.0.0.1:9001')), 'http://127.0.0.1:9001');
    assert.equal(displayUrl(parseApiAddress('[::1]:9001')), 'http://[::1]:9001');
    assert.equal(displayUrl(parseApiAddress('h:1/api')), 'http://h:1/api/');
  });
});

describe('parseApiAddress properties', () => {
  const hostish = fc.oneof(
    fc.string({ unit: 'binary-ascii', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc
      .tuple(
        fc.constantFrom('', 'http://', 'https://', 'ftp://', 'HTTP://'),
        fc.oneof(
          fc.domain(),
          fc.ipV4(),
          fc.ipV6().map((ip) => `[${ip}]`),
          fc.ipV6(),
        ),
        fc.constantFrom('', ':', ':0', ':9001', ':65536', ':x'),
        fc.constantFrom('', '/', '/cpx', '/a?b', '/#x'),
      )
      .map((parts) => parts.join('')),
  );

  it('returns an http(s) URL with a directory path, or throws a one-line usage error', () => {
    fc.assert(
      fc.property(hostish, (text) => {
        let url: URL;
        try {
          url = parseApiAddress(text);
        } catch (err) {
          assert.ok(err instanceof FleetmonError, String(err));
          assert.equal(err.code, 'usage');
          // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
          assert.doesNotMatch(err.message, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
          return;
        }
        assert.ok(url.protocol === 'http:' || url.protocol === 'https:');
        assert.ok(url.pathname.endsWith('/'));
        assert.equal(url.search, '');
        assert.equal(url.hash, '');
        assert.equal(url.username, '');
      }),
      { numRuns: 2000 },
    );
  });
});
