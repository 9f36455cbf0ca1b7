// The shapes of the probe API's answers; types only, so the dashboard imports them as well.
import type { ProbeRecord } from '../core/probe-record.ts';
import type { ProbeHistory } from '../probe/result-ring.ts';

/** One configured probe as `/api/v1/probes` lists it. */
export interface ProbeListing {
  readonly name: string;
  readonly url: string;
  readonly method: string;
  readonly intervalSeconds: number;
  readonly labels: Readonly<Record<string, string>>;
  /** `null`: the probe does not read the clock. */
  readonly clock: { readonly maxSkewSeconds: number | null; readonly source: string } | null;
  /** The last run; `null` before the first one ends. */
  readonly last: ProbeRecord | null;
}

/** `/api/v1/probes` answer. */
export interface ProbesAnswer {
  readonly windowMs: number;
  readonly probes: readonly ProbeListing[];
}

/** `/api/v1/probes/history` answer. */
export type ProbeHistoryAnswer = ProbeHistory & {
  readonly probe: string;
  readonly windowMs: number;
};
