import assert from 'node:assert/strict';
import { after } from 'node:test';
import type { Reading, Snapshot } from '../../src/core/types.ts';
import { type MockOptions, type RunningMock, startMock } from '../../src/mock/server.ts';
import { parseApiAddress } from '../../src/provider/address.ts';
import {
  createProviderClient,
  type ProviderClient,
  type ProviderClientOptions,
} from '../../src/provider/client.ts';

/** A mock and a real client pointed at it; `close` stops both. */
export interface FaultFleet {
  readonly mock: RunningMock;
  readonly client: ProviderClient;
  close(): Promise<void>;
}

/**
 * Client settings for fault tests: short timeouts so every case ends in well under a second,
 * and a fixed window: these tests are about how each fault is reported, not about how the
 * adaptive window backs off (the all-at-once case runs with it).
 */
export const FAST_CLIENT: Omit<ProviderClientOptions, 'baseUrl'> = {
  timeoutMs: 300,
  retries: 1,
  concurrency: 8,
  adaptive: false,
  backoff: { baseMs: 1, maxMs: 5 },
};

/** Starts a fixed-value mock on loopback with `faults`, and a client through `--api` parsing. */
export async function faultFleet(
  faults: MockOptions,
  clientOptions: Partial<ProviderClientOptions> = {},
): Promise<FaultFleet> {
  const mock = await startMock({
    host: '127.0.0.1',
    model: 'fixed',
    seed: 11,
    instances: 24,
    ...faults,
  });
  const client = createProviderClient({
    baseUrl: parseApiAddress(mock.url),
    ...FAST_CLIENT,
    ...clientOptions,
  });
  let closing: Promise<void> | undefined;
  return {
    mock,
    client,
    close() {
      closing ??= client.close().then(() => mock.close());
      return closing;
    },
  };
}

/** Every listed instance has exactly one reading, in listing order: nothing dropped, nothing doubled. */
export function assertAccountedFor(listed: readonly string[], snapshot: Snapshot): void {
  assert.deepEqual(
    snapshot.readings.map((r) => r.ip),
    [...listed],
  );
}

/** The reason of a failed reading, or '' for one that answered. */
export function reasonOf(reading: Reading): string {
  return reading.ok ? '' : reading.error;
}

/**
 * Guards a fault suite: after it, closes every tracked provider and asserts that no unhandled
 * rejection or uncaught exception happened while it ran. `track` returns what it is given.
 */
export function guardSuite(): { track<T extends { close(): Promise<void> }>(resource: T): T } {
  const errors: unknown[] = [];
  const record = (err: unknown) => errors.push(err);
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
  const open: { close(): Promise<void> }[] = [];
  after(async () => {
    await Promise.all(open.map((resource) => resource.close()));
    process.off('unhandledRejection', record);
    process.off('uncaughtException', record);
    assert.deepEqual(errors, [], 'unhandled rejections or exceptions');
  });
  return {
    track(resource) {
      open.push(resource);
      return resource;
    },
  };
}
