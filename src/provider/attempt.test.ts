import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock, settle } from '../time/fake-clock.test-helper.ts';
import { type AttemptOptions, type AttemptResult, attemptGet, type Sender } from './attempt.ts';
import type { ResponseHandler } from './http/exchange.ts';

/** A request the fake sender took: the handler to answer it through, and whether it was dropped. */
interface Sent {
  readonly path: string;
  readonly handler: ResponseHandler;
  readonly lastRound: boolean;
  aborted: boolean;
}

/** A sender that answers nothing by itself: tests answer through the handlers it collects. */
function fakeSender(): Sender & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    request(path, handler, lastRound) {
      const request: Sent = { path, handler, lastRound, aborted: false };
      sent.push(request);
      return {
        abort: () => {
          request.aborted = true;
        },
      };
    },
  };
}

function start(overrides: Partial<AttemptOptions> = {}) {
  const clock = new FakeClock();
  const sender = fakeSender();
  let result: AttemptResult | undefined;
  let rejected: unknown;
  const options: AttemptOptions = {
    sender,
    clock,
    path: '/10.0.0.1',
    timeoutMs: 1000,
    timeoutText: 'timeout after 1s',
    maxBodyBytes: 1024,
    signal: undefined,
    ...overrides,
  };
  const done = attemptGet(options).then(
    (value) => {
      result = value;
    },
    (err: unknown) => {
      rejected = err;
    },
  );
  const handler = (): ResponseHandler => {
    const request = sender.sent.at(-1);
    assert.ok(request, 'a request was sent');
    return request.handler;
  };
  return { clock, sender, handler, done, result: () => result, rejected: () => rejected };
}

/** The failure an attempt ended with; fails the test when it succeeded or has not ended. */
function failureOf(result: AttemptResult | undefined): Extract<AttemptResult, { ok: false }> {
  assert.ok(result !== undefined && !result.ok, 'the attempt failed');
  return result;
}

const timeout = (reason: string): AttemptResult => ({
  ok: false,
  kind: 'timeout',
  reason,
  status: null,
  retryable: true,
  retryAfterMs: null,
});

describe('attemptGet', () => {
  it('ends with the body of a 2xx answer, pieces joined, a character split between them', async () => {
    const run = start();
    const body = Buffer.from('{"service":"Zürich€"}');
    const cut = body.indexOf(0xe2) + 1;
    run.handler().onResponseStart(200, { 'content-length': String(body.length) });
    run.handler().onResponseData(body.subarray(0, cut));
    run.handler().onResponseData(body.subarray(cut));
    run.handler().onResponseEnd();
    await run.done;
    assert.deepEqual(run.result(), { ok: true, text: '{"service":"Zürich€"}' });
    assert.deepEqual(run.clock.pending(), [], 'its timer is released');
  });

  it('times out a provider that never answers, at the timeout and not before', async () => {
    const run = start({ timeoutMs: 150, timeoutText: 'timeout after 150ms' });
    await run.clock.advance(149);
    assert.equal(run.result(), undefined);
    await run.clock.advance(1);
    assert.deepEqual(run.result(), timeout('timeout after 150ms'));
    assert.equal(run.sender.sent[0]?.aborted, true, 'its connection is dropped');
  });

  it('times out a trickling body however often bytes arrive, naming the body', async () => {
    const run = start({ timeoutMs: 200, timeoutText: 'timeout after 200ms' });
    run.handler().onResponseStart(200, { 'content-length': '1000' });
    for (let i = 0; i < 10; i++) {
      run.handler().onResponseData(Buffer.from(' '));
      await run.clock.advance(20);
    }
    assert.deepEqual(run.result(), timeout('timeout after 200ms reading the body'));
  });

  it('names the header wait when headers take longer than allowed', async () => {
    const run = start({
      timeoutMs: 1000,
      headersTimeoutMs: 150,
      headersTimeoutText: 'timeout after 150ms waiting for response headers',
    });
    await run.clock.advance(150);
    assert.deepEqual(run.result(), timeout('timeout after 150ms waiting for response headers'));
  });

  it('stops the header clock once the head has come', async () => {
    const run = start({ timeoutMs: 1000, headersTimeoutMs: 150, headersTimeoutText: 'headers' });
    await run.clock.advance(100);
    run.handler().onResponseStart(200, {});
    await run.clock.advance(800);
    run.handler().onResponseEnd();
    await run.done;
    assert.deepEqual(run.result(), { ok: true, text: '' });
  });

  it('refuses a body over the limit, declared or as it arrives, without reading on', async () => {
    const declared = start({ maxBodyBytes: 256 });
    declared.handler().onResponseStart(200, { 'content-length': '257' });
    await declared.done;
    assert.deepEqual(declared.result(), {
      ok: false,
      kind: 'too-large',
      reason: 'body larger than 256 bytes',
      status: null,
      retryable: false,
      retryAfterMs: null,
    });
    assert.equal(declared.sender.sent[0]?.aborted, true);
    const streamed = start({ maxBodyBytes: 256 });
    streamed.handler().onResponseStart(200, {});
    streamed.handler().onResponseData(Buffer.alloc(200));
    streamed.handler().onResponseData(Buffer.alloc(100));
    await streamed.done;
    assert.equal(streamed.result()?.ok, false);
    assert.equal(streamed.sender.sent[0]?.aborted, true);
  });

  it('reads how long a 429 or 503 asks to wait, as seconds or as an HTTP date', async () => {
    const seconds = start();
    seconds.handler().onResponseStart(429, { 'retry-after': '3' });
    seconds.handler().onResponseEnd();
    await seconds.done;
    assert.equal(failureOf(seconds.result()).retryAfterMs, 3000);
    const date = start();
    const in30s = new Date(date.clock.wallNow() + 30_000).toUTCString();
    date.handler().onResponseStart(503, { 'retry-after': in30s });
    date.handler().onResponseEnd();
    await date.done;
    assert.equal(failureOf(date.result()).retryAfterMs, 30_000);
  });

  it('retries 5xx and 429, never other 4xx, and drops a connection draining a huge error body', async () => {
    for (const [status, retryable] of [
      [500, true],
      [429, true],
      [404, false],
    ] as const) {
      const run = start();
      run.handler().onResponseStart(status, {});
      run.handler().onResponseEnd();
      await run.done;
      assert.equal(failureOf(run.result()).retryable, retryable, `${status}`);
    }
    const huge = start();
    huge.handler().onResponseStart(500, {});
    huge.handler().onResponseData(Buffer.alloc(65 * 1024));
    await huge.done;
    assert.equal(failureOf(huge.result()).reason, 'HTTP 500');
    assert.equal(huge.sender.sent[0]?.aborted, true);
  });

  it('names a network error and retries it', async () => {
    const run = start();
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    run.handler().onResponseError(reset);
    await run.done;
    assert.deepEqual(run.result(), {
      ok: false,
      kind: 'network',
      reason: 'connection reset (ECONNRESET)',
      status: null,
      retryable: true,
      retryAfterMs: null,
    });
  });

  it('frees the caller slot when the answer stalls, and says which requests are the last', async () => {
    let released = 0;
    const run = start({ slot: { release: () => released++ }, lastRound: true });
    assert.equal(run.sender.sent[0]?.lastRound, true);
    run.handler().onResponseStart(200, {});
    run.handler().onResponseStalled?.();
    assert.equal(released, 1);
  });

  it('rejects with the reason as soon as the caller aborts, and only the requests under that signal', async () => {
    const stopped = new AbortController();
    const other = new AbortController();
    const runs = [1, 2, 3].map(() => start({ signal: stopped.signal }));
    const untouched = start({ signal: other.signal });
    const reason = new Error('stopped by user');
    stopped.abort(reason);
    for (const run of runs) {
      await run.done;
      assert.equal(run.rejected(), reason);
      assert.equal(run.sender.sent[0]?.aborted, true);
      assert.deepEqual(run.clock.pending(), []);
    }
    await settle();
    assert.equal(untouched.rejected(), undefined);
    assert.equal(untouched.result(), undefined);
    assert.equal(untouched.sender.sent[0]?.aborted, false);
  });

  it('sends nothing when the signal has aborted already', async () => {
    const reason = new Error('before');
    const run = start({ signal: AbortSignal.abort(reason) });
    await run.done;
    assert.equal(run.rejected(), reason);
    assert.deepEqual(run.sender.sent, []);
  });
});
