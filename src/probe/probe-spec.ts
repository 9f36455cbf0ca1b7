import type { BodyAssertion } from './body-assertion.ts';
import type { ExpectedStatus } from './expected-status.ts';

/** Where a clock reading may come from: the best available, or only one of the two. */
export type ClockSourceChoice = 'auto' | 'body' | 'date';

/** How a probe reads the server's clock. */
export interface ClockSpec {
  /** Largest offset accepted; `undefined` reports the offset without judging it. */
  readonly maxSkewMs: number | undefined;
  readonly source: ClockSourceChoice;
  /** Most requests spent on the clock, the probe's own request included (default 6). */
  readonly requests: number;
}

/** One probe, validated: what `check` runs for a URL and `serve` runs every interval. */
export interface ProbeSpec {
  readonly name: string;
  /** Absolute http: or https: URL. */
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Request body, for POST and the like. */
  readonly body: string | undefined;
  readonly expectStatus: ExpectedStatus;
  readonly expectBody: BodyAssertion | undefined;
  /** An answer slower than this fails the probe (`latency`). */
  readonly maxLatencyMs: number | undefined;
  /** `undefined`: the clock is not read. */
  readonly clock: ClockSpec | undefined;
  /** Time between runs under `serve`. */
  readonly intervalMs: number;
  /** The whole run, redirects and clock requests included, ends within this. */
  readonly timeoutMs: number;
  /** Largest body read; beyond it the probe fails (`too_large`). */
  readonly maxBodyBytes: number;
  /** Redirects followed; 0 takes a 3xx answer as the answer. */
  readonly maxRedirects: number;
  /** Accept any TLS certificate. */
  readonly insecure: boolean;
  /** Extra Prometheus labels of this probe's series. */
  readonly labels: Readonly<Record<string, string>>;
}

/** The number of clock requests unless configured. */
export const DEFAULT_CLOCK_REQUESTS = 6;
/** Date-only narrowing stops once the uncertainty is this small. */
export const CLOCK_TARGET_MS = 100;

/** A text that changes when anything that affects a run changes (for reloads). */
export function specKey(spec: ProbeSpec): string {
  return JSON.stringify(spec, (_key, value: unknown) =>
    value instanceof RegExp ? value.source : value,
  );
}

/** The URL without a password, for output and logs. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.href;
  } catch {
    return url;
  }
}
