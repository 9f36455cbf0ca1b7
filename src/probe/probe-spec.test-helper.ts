import { ANY_SUCCESS } from './expected-status.ts';
import type { ProbeSpec } from './probe-spec.ts';

/** A plain GET probe of `url` for tests: no clock, no assertions; `extra` sets the rest. */
export function testSpec(url: string, extra: Partial<ProbeSpec> = {}): ProbeSpec {
  return {
    name: 'p',
    url,
    method: 'GET',
    headers: {},
    body: undefined,
    expectStatus: ANY_SUCCESS,
    expectBody: undefined,
    maxLatencyMs: undefined,
    clock: undefined,
    intervalMs: 5000,
    timeoutMs: 2000,
    maxBodyBytes: 1024 * 1024,
    maxRedirects: 5,
    insecure: false,
    labels: {},
    ...extra,
  };
}
