import type { Writable } from 'node:stream';
import { type Clock, every } from '../time/clock.ts';

/** Where a faulty body goes: a node:http response or a raw socket. */
type Sink = Pick<Writable, 'write' | 'end' | 'once' | 'destroyed'>;

const PAD_CHUNK = Buffer.alloc(64 * 1024, 0x20);

/** Bytes of a reply body. */
export function bodyBytes(body: Buffer | string): Buffer {
  return typeof body === 'string' ? Buffer.from(body) : body;
}

/**
 * Writes `body` then spaces until `total` bytes, honouring backpressure, so a 50 MB answer
 * costs the mock one 64 KiB buffer. Trailing spaces keep the JSON valid: only a size cap
 * on the client side stops it.
 */
export function writeFlood(sink: Sink, body: Buffer, total: number): void {
  let left = Math.max(0, total - body.length);
  const pump = (): void => {
    while (left > 0 && !sink.destroyed) {
      const chunk = left >= PAD_CHUNK.length ? PAD_CHUNK : PAD_CHUNK.subarray(0, left);
      left -= chunk.length;
      if (!sink.write(chunk)) {
        sink.once('drain', pump);
        return;
      }
    }
    if (!sink.destroyed) sink.end();
  };
  sink.write(body);
  pump();
}

/**
 * Writes `body` one byte every `intervalMs` of `clock`, the first at once (so the head goes out
 * too); stops if the connection goes away first.
 */
export function writeTrickle(sink: Sink, body: Buffer, intervalMs: number, clock: Clock): void {
  let next = 0;
  const step = (): boolean => {
    if (sink.destroyed) return false;
    if (next >= body.length) {
      sink.end();
      return false;
    }
    sink.write(body.subarray(next, next + 1));
    next++;
    return true;
  };
  if (!step()) return;
  const stop = every(clock, intervalMs, () => {
    if (!step()) stop();
  });
  sink.once('close', stop);
}
