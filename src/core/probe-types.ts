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
  | 'protocol';

/**
 * One probe run's result: shared by `fleetmon check`, `serve`'s probe runner, the history store
 * and alerts. Times are in milliseconds; the clock offset is the server's clock minus ours.
 */
export interface ProbeResult {
  /** The probe's name (its URL for one-shot checks without a name). */
  readonly probe: string;
  readonly url: string;
  /** Epoch ms when the probe started. */
  readonly ts: number;
  readonly ok: boolean;
  readonly verdict: ProbeVerdict;
  /** HTTP status of the (last) answer; `null` when none came. */
  readonly status: number | null;
  /** From sending the request to the end of the answer; `null` when none came. */
  readonly latencyMs: number | null;
  /** The server's clock minus ours, the middle of the interval; `null` without a clock check. */
  readonly offsetMs: number | null;
  /** Half the width of the interval the true offset lies in; `null` without a clock check. */
  readonly uncertaintyMs: number | null;
  /** Set when not ok: the kind, and one line a person reads. */
  readonly failure: ProbeFailure | null;
  readonly reason: string | null;
}
