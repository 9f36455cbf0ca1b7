import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BodyBuffer } from './body-buffer.ts';

describe('BodyBuffer', () => {
  it('gives back the pieces in order, however the body was cut', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 700 }), { maxLength: 40 }), (parts) => {
        const body = new BodyBuffer();
        for (const part of parts) body.append(Buffer.from(part));
        const whole = parts.join('');
        assert.equal(body.text(), whole);
        assert.equal(body.size, Buffer.byteLength(whole));
      }),
    );
  });

  it('is empty until a piece comes', () => {
    assert.equal(new BodyBuffer().text(), '');
    assert.equal(new BodyBuffer().size, 0);
  });

  it('keeps copies of later pieces, not the pieces or the reads they are part of', () => {
    // A piece is a view into a socket read that goes on being reused or pinned: a kept view
    // would show these changes (and hold the whole read).
    const read = Buffer.from('{"cpu": "61%", "memory": "4%"}');
    const body = new BodyBuffer();
    body.append(read.subarray(0, 10));
    for (let at = 10; at < read.length; at++) body.append(read.subarray(at, at + 1));
    read.fill(0x20);
    assert.equal(body.text(), '{"cpu": "61%", "memory": "4%"}');
  });
});
