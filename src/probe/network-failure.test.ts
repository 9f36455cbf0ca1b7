import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyNetworkError } from './network-failure.ts';

function err(code: string | undefined, message = 'boom'): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('classifyNetworkError', () => {
  const cases: [string, unknown, string, string][] = [
    [
      'unknown host',
      err('ENOTFOUND', 'getaddrinfo ENOTFOUND x.invalid'),
      'dns',
      'cannot resolve x.invalid: no such host (ENOTFOUND)',
    ],
    [
      'resolver down',
      err('EAI_AGAIN'),
      'dns',
      'cannot resolve x.invalid: lookup failed for now (EAI_AGAIN)',
    ],
    ['refused', err('ECONNREFUSED'), 'connect', 'x.invalid:443: connection refused (ECONNREFUSED)'],
    [
      'reset',
      err('ECONNRESET', 'socket hang up'),
      'connect',
      'x.invalid:443: connection reset before the answer was complete (ECONNRESET)',
    ],
    [
      'self-signed',
      err('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'),
      'tls',
      'TLS with x.invalid:443 failed: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)',
    ],
    [
      'wrong name',
      err('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"),
      'tls',
      "TLS with x.invalid:443 failed: Hostname/IP does not match certificate's altnames (ERR_TLS_CERT_ALTNAME_INVALID)",
    ],
    [
      'plain HTTP on a TLS port',
      err('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'),
      'tls',
      'TLS with x.invalid:443 failed: wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)',
    ],
    [
      'not HTTP',
      err('HPE_INVALID_CONSTANT', 'Expected HTTP/'),
      'protocol',
      'x.invalid:443 did not answer valid HTTP: Expected HTTP/ (HPE_INVALID_CONSTANT)',
    ],
    [
      'happy eyeballs',
      Object.assign(new AggregateError([err('ECONNREFUSED')]), {}),
      'connect',
      'x.invalid:443: connection refused (ECONNREFUSED)',
    ],
    [
      'no code, control characters escaped',
      err(undefined, 'odd\u001b[31m thing\nsecond line'),
      'connect',
      'x.invalid:443: odd\\u001b[31m thing',
    ],
  ];
  for (const [name, error, failure, reason] of cases) {
    it(name, () =>
      assert.deepEqual(classifyNetworkError(error, 'x.invalid:443'), { failure, reason }),
    );
  }
});
