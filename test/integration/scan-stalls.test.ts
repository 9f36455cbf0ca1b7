import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createProviderClient } from '../../src/provider/client.ts';
import { serveStalling, statsJson } from '../../src/provider/loopback.test-helper.ts';
import { scanFleet } from '../../src/scan/scan.ts';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const IPS = Array.from({ length: 300 }, (_, i) => `10.1.${i >> 8}.${i & 255}`);

describe('scanning a provider whose kept-alive answers stall (Nagle and delayed ACK)', () => {
  it('pipelines each next request behind a stalled head instead of waiting or reconnecting', async () => {
    // Held bodies wait 1 s here (40 ms on Linux): a scan that waited for them would take minutes.
    const server = await serveStalling(
      (path) => (path === '/servers' ? JSON.stringify(IPS) : statsJson()),
      { holdMs: 1000 },
    );
    const client = createProviderClient({
      baseUrl: server.url,
      timeoutMs: 5000,
      retries: 0,
      concurrency: 16,
    });
    cleanups.push(async () => {
      await client.close();
      await server.close();
    });
    const snapshot = await scanFleet(client, { concurrency: 16 });
    assert.equal(snapshot.readings.filter((reading) => reading.ok).length, 300);
    // Bodies came at once: brought by the request sent behind them, or, in the last round,
    // whose requests asked the server to close after answering, with the close. On a loaded
    // machine a few answers at the very end, each holding one of the 18 readers, can be left
    // with no request to go behind them; never more than the readers.
    assert.ok(server.released.byRequest >= 250, `${server.released.byRequest} pipelined`);
    assert.ok(server.released.byTimer <= 18, `${server.released.byTimer} waited`);
    // Kept alive: the first round's connections, and at most one more per last-round request.
    assert.ok(server.connections() <= 16 + 18, `${server.connections()} connections`);
    assert.equal(client.traffic?.requests, 301);
    // What `--stats` reports: the requests sent behind a stalled answer.
    assert.ok((client.traffic?.pipelined ?? 0) >= server.released.byRequest);
  });
});
