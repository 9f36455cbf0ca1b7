/** Health of one instance under the thresholds in force (docs/architecture.md §2). */
export type InstanceStatus = 'healthy' | 'unhealthy' | 'unreachable';

/** Health of a service: `ok` when it has at least the required number of healthy instances. */
export type ServiceStatus = 'ok' | 'flagged';

/** Limits that decide whether an instance is healthy; an instance is healthy below both. */
export interface Thresholds {
  /** Percent, 0–100: cpu must be strictly below this to be healthy. */
  readonly maxCpu: number;
  /** Percent, 0–100: memory must be strictly below this to be healthy. */
  readonly maxMemory: number;
}

/** The rules in force for one run: thresholds plus the healthy-instance quorum. */
export interface HealthRules extends Thresholds {
  /** A service is `ok` with at least this many healthy instances. */
  readonly minHealthy: number;
}

/** Stats of one instance as validated from the provider's body. */
export interface InstanceStats {
  readonly service: string;
  /** Percent, 0–100. */
  readonly cpu: number;
  /** Percent, 0–100. */
  readonly memory: number;
}

/** What one scan learned about one listed instance: its stats, or why they could not be read. */
export type Reading =
  | {
      readonly ip: string;
      readonly ok: true;
      readonly stats: InstanceStats;
      readonly attempts: number;
    }
  | {
      readonly ip: string;
      readonly ok: false;
      /** Known when the body named a service but its numbers were unusable. */
      readonly service: string | null;
      /** One line naming the problem, e.g. `HTTP 503`, `timeout after 2s`, `cpu "abc" is not a percentage`. */
      readonly error: string;
      readonly attempts: number;
    };

/** One complete fleet scan: every instance listed by `/servers`, each with a reading. */
export interface Snapshot {
  /** Epoch ms when the scan started. */
  readonly startedAt: number;
  /** Wall time of the whole scan in ms. */
  readonly durationMs: number;
  /** One reading per distinct listed instance, in listing order. */
  readonly readings: readonly Reading[];
}

/** One instance as shown to the user (`instances` command, JSON row). */
export interface InstanceRow {
  readonly ip: string;
  /** `null` when the instance never said which service it runs. */
  readonly service: string | null;
  readonly status: InstanceStatus;
  readonly cpu: number | null;
  readonly memory: number | null;
  /** Present only on unreachable rows. */
  readonly error?: string;
}

/** Statistics of one service (`services` command, JSON row). */
export interface ServiceRow {
  /** `null` groups unreachable instances whose service is unknown. */
  readonly service: string | null;
  readonly instances: number;
  readonly healthy: number;
  readonly unhealthy: number;
  readonly unreachable: number;
  /** Mean over the instances that answered; `null` when none did. */
  readonly cpu: number | null;
  readonly memory: number | null;
  readonly status: ServiceStatus;
}

/** Health of one service against the quorum (`health` command, JSON row). */
export interface HealthRow {
  readonly service: string;
  readonly instances: number;
  readonly healthy: number;
  readonly required: number;
  readonly status: ServiceStatus;
}

/** Answer times of stats reads, in ms. */
export interface LatencySummary {
  readonly count: number;
  readonly minMs: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** What a client has asked of its provider so far (`--stats`). */
export interface TrafficSummary {
  /** Requests sent, retries included. */
  readonly requests: number;
  /** Of those, retries of a failed attempt. */
  readonly retries: number;
  /** From the first request sent to the last one ended, in ms (0 before any). */
  readonly activeMs: number;
  /** Answered stats reads (not the `/servers` list); undefined before the first. */
  readonly latency: LatencySummary | undefined;
  /** Connections opened. */
  readonly connections: number;
  /** Connects sent again because their SYN was most likely dropped (a full listen queue). */
  readonly resentConnects: number;
  /** Requests sent behind an answer whose head had come without its body (pipelined). */
  readonly pipelined: number;
  /** The adaptive window: its ceiling (`--concurrency`), where it ends, and how often it was cut. */
  readonly window: { readonly max: number; readonly limit: number; readonly decreases: number };
}
