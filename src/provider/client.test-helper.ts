import type { Reading } from '../core/types.ts';
import type { ProviderClient } from './client.ts';

/** Reads one instance through `client`; rejects with the signal's reason when it aborts. */
export async function readOne(
  client: ProviderClient,
  ip: string,
  signal?: AbortSignal,
): Promise<Reading> {
  let got: Reading | undefined;
  await client.readInstances([ip], {
    concurrency: 1,
    signal,
    onReading: (_, reading) => {
      got = reading;
    },
  });
  if (got === undefined) throw signal?.reason ?? new Error(`no reading of ${ip}`);
  return got;
}
