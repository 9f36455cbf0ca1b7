import type { ClockSource, ProbeFailure, ProbeResult, ProbeVerdict } from './probe-types.ts';

/** A probe result as `check -o json` prints it and `/api/v1/probes` serves it: seconds, not ms. */
export interface ProbeRecord {
  readonly name: string;
  readonly url: string;
  /** When the probe started, ISO 8601. */
  readonly ts: string;
  readonly ok: boolean;
  readonly verdict: ProbeVerdict;
  readonly status: number | null;
  readonly latencySeconds: number | null;
  readonly offsetSeconds: number | null;
  readonly uncertaintySeconds: number | null;
  readonly clockSource: ClockSource | null;
  readonly failure: ProbeFailure | null;
  readonly reason: string | null;
}

/** The machine form of a result; keys in the order users read them. */
export function probeRecord(result: ProbeResult): ProbeRecord {
  return {
    name: result.probe,
    url: result.url,
    ts: new Date(result.ts).toISOString(),
    ok: result.ok,
    verdict: result.verdict,
    status: result.status,
    latencySeconds: seconds(result.latencyMs),
    offsetSeconds: seconds(result.offsetMs),
    uncertaintySeconds: seconds(result.uncertaintyMs),
    clockSource: result.clockSource ?? null,
    failure: result.failure,
    reason: result.reason,
  };
}

/** ms as seconds, to the microsecond (no float noise such as 0.0012000000000000001). */
export function seconds(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms * 1000) / 1e6;
}

/** A duration as people read it: `0.42 ms`, `4.2 ms`, `120 ms`, `1.502 s`, `3600.0 s`. */
export function formatMs(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1) return `${ms.toFixed(2)} ms`;
  if (abs < 10) return `${ms.toFixed(1)} ms`;
  if (abs < 1000) return `${ms.toFixed(0)} ms`;
  if (abs < 60_000) return `${(ms / 1000).toFixed(3)} s`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** An offset with its sign: `+1.502 s`, `-12 ms`, `+0.00 ms`. */
export function formatOffset(ms: number): string {
  const text = formatMs(ms);
  return text.startsWith('-') ? text : `+${text}`;
}
