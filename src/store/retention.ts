import type { Retention } from '../core/store-info.ts';

export type { Retention };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Raw 48 h, minutes 30 d, hours 400 d; events and probe results 30 d. */
export const DEFAULT_RETENTION: Retention = {
  raw: 48 * HOUR,
  minute: 30 * DAY,
  hour: 400 * DAY,
  events: 30 * DAY,
  probes: 30 * DAY,
};

/**
 * Shortest retention of each kind. A rollup is made from the tier below once its bucket has
 * closed, so raw samples must outlive a minute and minutes an hour, with room to spare.
 */
export const MIN_RETENTION: Retention = {
  raw: 10 * MINUTE,
  minute: 2 * HOUR,
  hour: DAY,
  events: HOUR,
  probes: HOUR,
};

/** Longest retention accepted for any kind: ten years. */
export const MAX_RETENTION_MS = 3650 * DAY;

/** The kinds of history, as config-file keys. */
export const RETENTION_KEYS = ['raw', 'minute', 'hour', 'events', 'probes'] as const;

/** The defaults, overridden by whatever the config file's `retention:` section sets. */
export function retentionWith(overrides: Partial<Retention> | undefined): Retention {
  return { ...DEFAULT_RETENTION, ...overrides };
}

/** Bucket widths of the rollup tiers. */
export const TIER_MS = { minute: MINUTE, hour: HOUR } as const;
