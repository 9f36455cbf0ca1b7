import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nowReply, withNow } from './now.ts';
import { INVALID_IP } from './responder.ts';

const T = Date.UTC(2026, 0, 2, 3, 4, 5, 678) + 0.25;

describe('/now of the mock', () => {
  it('tells the skewed time in the body (to the µs) and in the Date header', () => {
    const reply = nowReply('GET', { clock: () => T, skewMs: -1500, dateOnly: false });
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(String(reply.body)), {
      iso: '2026-01-02T03:04:04.178Z',
      epochMs: T - 1500,
    });
    assert.equal(reply.headers?.Date, 'Fri, 02 Jan 2026 03:04:04 GMT');
  });

  it('date-only: 204 with just the Date header', () => {
    const reply = nowReply('GET', { clock: () => T, skewMs: 2000, dateOnly: true });
    assert.equal(reply.status, 204);
    assert.equal(reply.body, '');
    assert.equal(reply.headers?.Date, 'Fri, 02 Jan 2026 03:04:07 GMT');
  });

  it('answers other methods 405, and leaves every other path to the provider', () => {
    assert.equal(nowReply('POST', { clock: () => T, skewMs: 0, dateOnly: false }).status, 405);
    const respond = withNow(() => INVALID_IP, { clock: () => T, skewMs: 0, dateOnly: false });
    assert.equal(respond('GET', '/now?x=1', 0).status, 200);
    assert.equal(respond('GET', '/servers', 0), INVALID_IP);
  });
});
