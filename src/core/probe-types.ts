/** What a probe concluded: up and right, up but its clock off, not up, or clock not decidable. */
export type ProbeVerdict = 'ok' | 'skewed' | 'down' | 'unknown';

/** Why a probe was not ok, as a label value (`fleetmon_probe_failure_info{reason}`). */
export type ProbeFailure =
  | 'dns'
  | 'connect'
  | 'tls'
  | 'timeout'
  | 'status'
  | 'body'
  | 'latency'
  | 'redirect'
  | 'too_large'
  | 'clock_skew'
  | 'no_date'
  | 'bad_date'
  | 'protocol'
  /** The body names a time (`now`, `epochMs`…) whose value is not one. */
  | 'bad_timestamp'
  /** Every answer that could time the clock came from a cache (it carried `Age`). */
  | 'cached'
  /** The offset interval straddles ±max-skew: maybe skewed, maybe not. */
  | 'clock_uncertain';

/** Failures where no HTTP answer came at all: the target could not be reached. */
export const UNREACHABLE_FAILURES: ReadonlySet<ProbeFailure> = new Set([
  'dns',
  'connect',
  'tls',
  'timeout',
]);

/** Where a clock reading came from: a timestamp in the body (NTP-style) or the `Date` header. */
export type ClockSource = 'body' | 'date';

/**
 * One probe run's result: shared by `fleetmon check`, `serve`'s probe runner, the history store
 * and alerts. Times are in milliseconds; the clock offset is the server's clock minus ours.
 */
export interface ProbeResult {
  /** The probe's name (its URL for one-shot checks without a name). */
  readonly probe: string;
  /** The URL probed, without any password it carried. */
  readonly url: string;
  /** Epoch ms when the probe started. */
  readonly ts: number;
  /** `verdict === 'ok'`: up, answering right, and its clock within the limit when one is set. */
  readonly ok: boolean;
  readonly verdict: ProbeVerdict;
  /** HTTP status of the (last) answer; `null` when none came. */
  readonly status: number | null;
  /**
   * From the start of the request (DNS lookup, connect and TLS included, redirects followed) to
   * the end of the answer; `null` when none came. The clock's further requests are not included.
   */
  readonly latencyMs: number | null;
  /** The server's clock minus ours, the middle of the interval; `null` without a clock reading. */
  readonly offsetMs: number | null;
  /** Half the width of the interval the true offset lies in; `null` without a clock reading. */
  readonly uncertaintyMs: number | null;
  /** Set when not ok: the kind, and one line a person reads. */
  readonly failure: ProbeFailure | null;
  readonly reason: string | null;
  /** Where the offset came from; `null` without a clock reading. */
  readonly clockSource?: ClockSource | null;
  /** Like `latencyMs`, but also set when no answer came: the time until the failure. */
  readonly durationMs?: number;
  /** Requests sent: redirects and the clock's further requests included. */
  readonly requests?: number;
  /**
   * The shortest round trip among the answers the clock reading rests on (from the request
   * leaving to the server's time arriving): half of it bounds the uncertainty from below.
   */
  readonly clockRttMs?: number | null;
}
