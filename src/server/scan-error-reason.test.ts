import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reasonOf } from './scan-error-reason.ts';

describe('reasonOf', () => {
  const cases: [string, string][] = [
    ['timeout after 5s', 'timeout'],
    ['scan deadline exceeded (2m)', 'deadline'],
    ['HTTP 503', 'http_status'],
    ['HTTP 400: Invalid IP', 'http_status'],
    ['connection refused (ECONNREFUSED)', 'connection'],
    ['connection reset (ECONNRESET)', 'connection'],
    ['cpu "abc" is not a percentage', 'invalid_response'],
    ['body is not valid JSON', 'invalid_response'],
    ['internal error: bug', 'internal'],
    ['something new', 'other'],
  ];
  for (const [error, reason] of cases) {
    it(`files "${error}" under ${reason}`, () => assert.equal(reasonOf(error), reason));
  }
});
