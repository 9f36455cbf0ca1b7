import { z } from 'zod';
import { formatDuration, parseDuration } from '../core/duration.ts';
import {
  MAX_RETENTION_MS,
  MIN_RETENTION,
  RETENTION_KEYS,
  type Retention,
} from '../store/retention.ts';

/** One retention period: `48h`, `30d`, `400d` (a bare number is seconds, like every duration). */
function period(key: keyof Retention) {
  const min = MIN_RETENTION[key];
  return z
    .union([z.string(), z.number()])
    .transform((raw, ctx) => {
      const ms = parseDuration(String(raw));
      if (ms === null || ms < min || ms > MAX_RETENTION_MS) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a duration from ${formatDuration(min)} to ${formatDuration(MAX_RETENTION_MS)}, such as 48h or 30d`,
        });
        return z.NEVER;
      }
      return ms;
    })
    .optional();
}

/**
 * `retention:` in the config file: how long each kind of history is kept. Any key may be left
 * out; the defaults are raw 48h, minute 30d, hour 400d, events 30d, probes 30d.
 */
export const retentionSection = z.strictObject(
  Object.fromEntries(RETENTION_KEYS.map((key) => [key, period(key)])) as {
    [K in keyof Retention]: ReturnType<typeof period>;
  },
);
