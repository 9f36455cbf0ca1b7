import { ipv4Key } from '../core/ip.ts';
import type { InstanceRow, InstanceStatus, ServiceRow } from '../core/types.ts';
import type { Series } from './history.ts';
import type { Entry, Roster } from './roster.ts';

/** What a row of the live view says about its subject's state. */
export type RowState = InstanceStatus | 'gone' | 'ok' | 'flagged' | 'unknown';

/** Keys the view sorts by; in the service list `ip` sorts by name. */
export type SortKey = 'cpu' | 'memory' | 'ip' | 'status';

/** A sort: the key in its natural direction (hot first, ip ascending, worst first), or reversed. */
export interface Sort {
  readonly key: SortKey;
  readonly reversed: boolean;
}

/** One line of the table, whatever the mode. */
export interface ViewRow {
  readonly key: string;
  /** IP, or service name. */
  readonly label: string;
  readonly state: RowState;
  readonly cpu: number | null;
  readonly memory: number | null;
  readonly fresh: boolean;
  readonly series: Series;
  /** Unreachable instances: why. */
  readonly error?: string | undefined;
  /** Service list rows: the service's statistics. */
  readonly service?: ServiceRow | undefined;
}

/** Key of the group of unreachable instances whose service is unknown. */
export const UNKNOWN_SERVICE_KEY = '\u0000unknown';

// Worst first: what someone scanning the screen during an incident looks for.
const RANK: Readonly<Record<RowState, number>> = {
  unreachable: 0,
  flagged: 0,
  unhealthy: 1,
  healthy: 2,
  ok: 2,
  unknown: 3,
  gone: 4,
};

/** Instance rows of a roster: gone ones keep their last ip but lose their numbers. */
export function instanceRows(roster: Roster<InstanceRow>, intervalMs: number): ViewRow[] {
  const rows: ViewRow[] = [];
  for (const entry of roster.entries()) {
    const gone = entry.goneSince !== null;
    const row = entry.value;
    rows.push({
      key: entry.key,
      label: entry.key,
      state: gone ? 'gone' : row.status,
      cpu: gone ? null : row.cpu,
      memory: gone ? null : row.memory,
      fresh: !gone && roster.isNew(entry, intervalMs),
      series: entry.series,
      error: gone ? undefined : row.error,
    });
  }
  return rows;
}

/** Service rows of a roster. */
export function serviceRows(roster: Roster<ServiceRow>, intervalMs: number): ViewRow[] {
  const rows: ViewRow[] = [];
  for (const entry of roster.entries()) rows.push(serviceRow(roster, entry, intervalMs));
  return rows;
}

function serviceRow(roster: Roster<ServiceRow>, entry: Entry<ServiceRow>, intervalMs: number) {
  const gone = entry.goneSince !== null;
  const s = entry.value;
  const state: RowState = gone ? 'gone' : s.service === null ? 'unknown' : s.status;
  return {
    key: entry.key,
    label: s.service ?? '(unknown service)',
    state,
    cpu: gone ? null : s.cpu,
    memory: gone ? null : s.memory,
    fresh: !gone && roster.isNew(entry, intervalMs),
    series: entry.series,
    service: s,
  };
}

/** Keeps rows whose label, state or error contains `filter` (case-insensitive). */
export function filterRows(rows: readonly ViewRow[], filter: string): ViewRow[] {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return [...rows];
  return rows.filter(
    (row) =>
      row.label.toLowerCase().includes(needle) ||
      row.state.includes(needle) ||
      (row.fresh && 'new'.includes(needle)) ||
      (row.error?.toLowerCase().includes(needle) ?? false),
  );
}

/** Sorts rows in place; ties fall back to the label so rows do not jump between frames. */
export function sortRows(rows: ViewRow[], sort: Sort): ViewRow[] {
  const sign = sort.reversed ? -1 : 1;
  const labelKeys = new Map<string, number | null>();
  const labelKey = (row: ViewRow) => {
    let k = labelKeys.get(row.key);
    if (k === undefined) {
      k = ipv4Key(row.label);
      labelKeys.set(row.key, k);
    }
    return k;
  };
  const byLabel = (a: ViewRow, b: ViewRow): number => {
    const ka = labelKey(a);
    const kb = labelKey(b);
    if (ka !== null && kb !== null) return ka - kb;
    if (ka !== null || kb !== null) return ka !== null ? -1 : 1;
    return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
  };
  return rows.sort((a, b) => {
    let primary = 0;
    switch (sort.key) {
      case 'cpu':
      case 'memory': {
        const x = a[sort.key];
        const y = b[sort.key];
        // Unknown values go last in either direction: they are not "cool", just unknown.
        if (x === null || y === null) {
          if (x !== y) return x === null ? 1 : -1;
        } else primary = sign * (y - x);
        break;
      }
      case 'ip':
        primary = sign * byLabel(a, b);
        break;
      case 'status':
        primary = sign * (RANK[a.state] - RANK[b.state]);
        break;
    }
    return primary !== 0 ? primary : byLabel(a, b);
  });
}
