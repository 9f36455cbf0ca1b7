import { compareIpKeys, ipv4Key } from './ip.ts';
import type { InstanceRow, InstanceStatus } from './types.ts';

/** Fields `--sort` accepts. */
export const SORT_FIELDS = ['ip', 'service', 'status', 'cpu', 'memory'] as const;
/** One of {@link SORT_FIELDS}. */
export type SortField = (typeof SORT_FIELDS)[number];

/** A sort order: a field, ascending unless `descending`. */
export interface SortSpec {
  readonly field: SortField;
  readonly descending: boolean;
}

// Worst first when sorting by status: that is what a user scanning the table looks for.
const STATUS_RANK: Record<InstanceStatus, number> = { unreachable: 0, unhealthy: 1, healthy: 2 };

/**
 * Sorts rows by the spec, ties broken by IP (numerically) so output is stable.
 * Unknown values (null cpu, memory or service) always sort last, in either direction.
 */
export function sortInstances(rows: readonly InstanceRow[], spec: SortSpec): InstanceRow[] {
  const sign = spec.descending ? -1 : 1;
  const { field } = spec;
  // Each row's ip key is computed once, not per comparison, and the comparators allocate
  // nothing: at 100k rows a sort makes ~1.7M comparisons.
  const keyed = rows.map((row) => ({ row, key: ipv4Key(row.ip) }));
  keyed.sort(
    field === 'ip'
      ? (a, b) => sign * byIp(a, b)
      : (a, b) => compareField(a.row, b.row, field, sign) || byIp(a, b),
  );
  return keyed.map((k) => k.row);
}

function byIp(a: { row: InstanceRow; key: number | null }, b: typeof a): number {
  return compareIpKeys(a.row.ip, a.key, b.row.ip, b.key);
}

function compareField(
  a: InstanceRow,
  b: InstanceRow,
  field: Exclude<SortField, 'ip'>,
  sign: number,
): number {
  switch (field) {
    case 'status':
      return sign * (STATUS_RANK[a.status] - STATUS_RANK[b.status]);
    case 'service':
      return compareNullable(a.service, b.service, sign, (x, y) => (x < y ? -1 : x > y ? 1 : 0));
    case 'cpu':
    case 'memory':
      return compareNullable(a[field], b[field], sign, (x, y) => x - y);
  }
}

function compareNullable<T>(
  a: T | null,
  b: T | null,
  sign: number,
  compare: (x: T, y: T) => number,
): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return sign * compare(a, b);
}

/** Criteria of the `instances` filters; an absent criterion matches everything. */
export interface InstanceFilter {
  /** Service names to keep (matched as {@link matchServiceName} does). */
  readonly services?: readonly string[];
  readonly statuses?: readonly InstanceStatus[];
}

/** Keeps the rows that match every given criterion. */
export function filterInstances(
  rows: readonly InstanceRow[],
  filter: InstanceFilter,
): InstanceRow[] {
  const { services, statuses } = filter;
  return rows.filter(
    (row) =>
      (services === undefined || services.some((name) => matchServiceName(row.service, name))) &&
      (statuses === undefined || statuses.includes(row.status)),
  );
}

/** Service names match case-insensitively: `userservice` finds `UserService`. */
export function matchServiceName(service: string | null, wanted: string): boolean {
  return service !== null && service.toLowerCase() === wanted.toLowerCase();
}

/** A scan in which no listed instance answered: how many were listed, and the commonest reason. */
export interface NothingUsable {
  readonly listed: number;
  readonly reason: string;
  /** Instances that failed for that reason. */
  readonly count: number;
}

/** `undefined` when some instance answered (or none was listed); else why nothing is usable. */
export function nothingUsable(rows: readonly InstanceRow[]): NothingUsable | undefined {
  if (rows.length === 0 || rows.some((row) => row.status !== 'unreachable')) return undefined;
  const reasons = new Map<string, number>();
  for (const row of rows) reasons.set(row.error ?? '', (reasons.get(row.error ?? '') ?? 0) + 1);
  const [reason, count] = [...reasons].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  return { listed: rows.length, reason, count };
}

/** Names among `wanted` that match no service of the rows, and the services there are. */
export function unknownServices(
  rows: readonly InstanceRow[],
  wanted: readonly string[],
): { missing: string[]; known: string[] } {
  const known = [...new Set(rows.flatMap((row) => (row.service === null ? [] : [row.service])))];
  known.sort();
  const missing = wanted.filter(
    (name) => !known.some((service) => matchServiceName(service, name)),
  );
  return { missing, known };
}
