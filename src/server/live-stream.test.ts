import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settle, until } from '../time/fake-clock.test-helper.ts';
import { testApp } from './test-fixtures.test-helper.ts';

/** Real timers; the streams' pings are on the app's fake clock, whose `pending()` lists them. */
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('/api/v1/stream', () => {
  it('answers HEAD with the stream headers and no subscriber or timer left behind', async () => {
    const { app, state, publish, clock } = testApp();
    publish();
    const before = timers();
    // The store's recorder listens too: streams are counted from here.
    const base = state.subscribers;
    for (let i = 0; i < 50; i++) {
      const res = await app.request('/api/v1/stream', { method: 'HEAD' });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/event-stream');
      assert.equal(res.body, null);
    }
    await until(
      () => state.subscribers === base && timers() === before && clock.pending().length === 0,
    );
  });

  it('releases its subscriber and timer when the client goes, however it goes', async () => {
    const { app, state, publish, clock } = testApp();
    publish();
    const before = timers();
    // The store's recorder listens too: streams are counted from here.
    const base = state.subscribers;
    // Gone once the first event is read: the reader cancels the body.
    const read = await app.request('/api/v1/stream');
    const reader = read.body?.getReader();
    assert.match(new TextDecoder().decode((await reader?.read())?.value), /^retry: /);
    assert.equal(state.subscribers, base + 1);
    await reader?.cancel();
    // Gone before reading anything: the request's signal aborts (a reset connection).
    const aborted = new AbortController();
    await app.request('/api/v1/stream', { signal: aborted.signal });
    assert.equal(state.subscribers, base + 1);
    aborted.abort();
    await until(
      () => state.subscribers === base && timers() === before && clock.pending().length === 0,
    );
  });

  it('ends the stream of a client that stops reading, instead of queueing scans for it', async () => {
    const { app, state, publish, clock } = testApp();
    publish();
    const before = timers();
    // The store's recorder listens too: streams are counted from here.
    const base = state.subscribers;
    const res = await app.request('/api/v1/stream');
    assert.equal(state.subscribers, base + 1);
    // Nothing is read: every scan event waits in memory until the stream gives up on the client.
    for (let scan = 0; scan < 40 && state.subscribers > base; scan++) {
      publish();
      await settle();
    }
    await until(
      () => state.subscribers === base && timers() === before && clock.pending().length === 0,
    );
    await res.body?.cancel();
  });

  it('pings an idle stream every 15 s, so that proxies and browsers keep it open', async () => {
    const { app, publish, clock } = testApp();
    publish();
    const res = await app.request('/api/v1/stream');
    const reader = res.body?.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const chunk = await reader?.read();
        if (chunk === undefined || chunk.done) return;
        text += decoder.decode(chunk.value);
      }
    })();
    await until(() => text.includes('event: scan'), 'the first scan event');
    assert.deepEqual(clock.pending(), [15_000]);
    await clock.advance(14_999);
    assert.equal(text.includes(': ping'), false, 'not before 15 s');
    await clock.advance(1);
    await until(() => text.includes(': ping\n\n'), 'a ping', clock);
    assert.deepEqual(clock.pending(), [15_000], 'and the next one set');
    await reader?.cancel();
    await reading;
    await until(() => clock.pending().length === 0, 'the ping timer cleared', clock);
  });
});
