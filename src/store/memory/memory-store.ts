import { MemoryAlertStore } from '../../alert/memory-store.ts';
import { SingleProcessRole } from '../../alert/notifier-role.ts';
import type { ProbeResult } from '../../core/probe-types.ts';
import { type Clock, systemClock } from '../../time/clock.ts';
import { DEFAULT_PROBE_LIMIT } from '../probe-history.ts';
import { DEFAULT_RETENTION } from '../retention.ts';
import type { Store, StoreInfo } from '../store.ts';
import { MAX_EVENTS, MemoryHistory, type MemoryStoreOptions } from './memory-history.ts';

/** Most scans the in-memory store keeps: at 9 bytes a sample, 10k instances × 2880 ≈ 260 MB. */
export const MAX_HISTORY_SCANS = 2880;

/** `--store memory`: the last `windowMs` of scans and probe results, nothing on disk. */
export function createMemoryStore(options: MemoryStoreOptions, clock: Clock = systemClock): Store {
  if (
    !Number.isInteger(options.maxScans) ||
    options.maxScans < 1 ||
    options.maxScans > MAX_HISTORY_SCANS
  ) {
    throw new RangeError(
      `maxScans must be a whole number from 1 to ${MAX_HISTORY_SCANS}, got ${options.maxScans}`,
    );
  }
  const history = new MemoryHistory(options);
  const probes = new Map<string, ProbeResult[]>();
  const none = { rows: 0, oldest: null, newest: null };
  const alerts = new MemoryAlertStore();
  return {
    backend: 'memory',
    location: 'memory',
    history,
    writer: { writeScan: async (scan) => history.write(scan) },
    probes: {
      async appendProbeResults(results) {
        for (const result of results) {
          const list = probes.get(result.probe) ?? [];
          list.push(result);
          list.sort((a, b) => a.ts - b.ts);
          const newest = list[list.length - 1]?.ts ?? 0;
          while (list.length > MAX_EVENTS || (list[0]?.ts ?? newest) < newest - options.windowMs)
            list.shift();
          probes.set(result.probe, list);
        }
        return true;
      },
      async probeResults(probe, from, to, limit = DEFAULT_PROBE_LIMIT) {
        return (probes.get(probe) ?? []).filter((r) => r.ts >= from && r.ts < to).slice(0, limit);
      },
      async probeNames() {
        return [...probes.keys()].sort();
      },
    },
    maintenance: { maintain: async () => ({ more: false }) },
    alerts,
    notifier: new SingleProcessRole(),
    migrate: async () => ({ before: 0, after: 0, applied: [], pending: [] }),
    checkSchema: async () => ({ version: 0, latest: 0, applied: [], pending: [] }),
    async info(): Promise<StoreInfo> {
      const window = {
        raw: options.windowMs,
        minute: 0,
        hour: 0,
        events: options.windowMs,
        probes: options.windowMs,
      };
      return {
        backend: 'memory',
        location: 'memory',
        schema: null,
        sizeBytes: null,
        retention: { ...DEFAULT_RETENTION, ...window },
        ...history.extents(),
        tiers: [
          { tier: 'raw', ...history.extents().scans, samples: history.samples },
          { tier: 'minute', ...none, samples: 0 },
          { tier: 'hour', ...none, samples: 0 },
        ],
        probeResults: {
          rows: [...probes.values()].reduce((n, list) => n + list.length, 0),
          oldest: null,
          newest: null,
        },
        alerting: await alerts.info(clock.wallNow()),
        writer: { holder: 'this process', until: null },
      };
    },
    close: async () => {},
  };
}

export type { MemoryStoreOptions };
