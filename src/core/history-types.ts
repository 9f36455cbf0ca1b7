import type { InstanceStatus, ServiceStatus } from './types.ts';

/** What a history query is about: one service, or one instance by IP. */
export type HistoryTarget =
  | { readonly kind: 'service'; readonly service: string }
  | { readonly kind: 'instance'; readonly ip: string };

/** Where points come from: every scan, or the per-minute and per-hour rollups. */
export type HistoryTier = 'raw' | 'minute' | 'hour';

/** One instance's line inside a service's series, aligned with the series' `ts`. */
export interface MemberSeries {
  readonly ip: string;
  /** Mean over the point's samples that answered; `null` where it was absent or unreachable. */
  readonly cpu: (number | null)[];
  readonly memory: (number | null)[];
}

/**
 * A service's or an instance's history over `[from, to)`, one entry per point in every array.
 * Counts add up exactly across points and tiers; means are over the samples that answered.
 */
export interface HistorySeries {
  /** The service (for an instance: the service it was last seen in; `null` when never known). */
  readonly service: string | null;
  /** Set for an instance's series. */
  readonly ip?: string;
  /** Epoch ms, inclusive: the first point's start. */
  readonly from: number;
  /** Epoch ms, exclusive. */
  readonly to: number;
  /** Width of each point in ms; `null`: one point per scan. */
  readonly stepMs: number | null;
  /** The coarsest tier read; later points may come from finer tiers not yet rolled up. */
  readonly tier: HistoryTier;
  /** Start of each point (epoch ms); for per-scan points, the scan's start. */
  readonly ts: number[];
  /** Scans in the point in which the target was listed. */
  readonly scans: number[];
  /** Instance samples in the point: a service's instances summed over those scans. */
  readonly samples: number[];
  readonly healthy: number[];
  readonly unreachable: number[];
  readonly cpu: (number | null)[];
  readonly cpuMin: (number | null)[];
  readonly cpuMax: (number | null)[];
  readonly memory: (number | null)[];
  readonly memoryMin: (number | null)[];
  readonly memoryMax: (number | null)[];
  /** The busiest instances of a service, when asked for. */
  readonly members?: MemberSeries[];
}

/** What changed: something new, something that left, or a status that moved. */
export type HistoryEventKind = 'appeared' | 'gone' | 'changed';

/**
 * A transition, stored as it happened: an instance between healthy, unhealthy and unreachable
 * (or appearing and leaving), a service between ok and flagged (or appearing and leaving).
 */
export interface HistoryEvent {
  /** Epoch ms: the start of the scan that saw it. */
  readonly ts: number;
  readonly scope: 'instance' | 'service';
  /** The instance's IP, or the service's name. */
  readonly subject: string;
  /** The service the instance belonged to (the service itself for service events). */
  readonly service: string | null;
  readonly kind: HistoryEventKind;
  readonly from: InstanceStatus | ServiceStatus | null;
  readonly to: InstanceStatus | ServiceStatus | null;
  /** Instance events: the values seen then. */
  readonly cpu: number | null;
  readonly memory: number | null;
  /** Service events: healthy and listed instances then. */
  readonly healthy: number | null;
  readonly instances: number | null;
  /** Why an instance was unreachable. */
  readonly reason: string | null;
}

/** A query for a series. */
export interface SeriesQuery {
  readonly target: HistoryTarget;
  /** Epoch ms, inclusive. */
  readonly from: number;
  /** Epoch ms, exclusive. */
  readonly to: number;
  /** Width of a point in ms; `null`: one point per scan. */
  readonly stepMs: number | null;
  /** For a service: also the lines of this many busiest instances by cpu and by memory. */
  readonly members?: number;
}

/** A query for events. */
export interface EventsQuery {
  readonly target: HistoryTarget;
  readonly from: number;
  readonly to: number;
  /** At most this many, oldest first. */
  readonly limit: number;
}
