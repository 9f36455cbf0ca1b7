import type { Random } from './random.ts';

/** How a simulated service loads its instances. */
export interface ServiceProfile {
  readonly name: string;
  /** Relative share of the fleet before per-seed jitter. */
  readonly weight: number;
  /** Typical cpu and memory percent of an instance. */
  readonly cpu: number;
  readonly memory: number;
  /**
   * A metric that runs hot on every instance but the first, so the service is
   * always short of healthy instances under the default rule (docs/architecture.md §2).
   */
  readonly hot?: 'cpu' | 'memory';
  /** Always exactly one instance: the classic single point of failure. */
  readonly single?: true;
}

/** Ordered by priority: small fleets take services from the front of this list. */
export const SERVICE_CATALOGUE: readonly ServiceProfile[] = [
  { name: 'UserService', weight: 16, cpu: 38, memory: 42 },
  { name: 'MLService', weight: 4, cpu: 62, memory: 58, hot: 'cpu' },
  { name: 'AuthService', weight: 12, cpu: 30, memory: 28 },
  { name: 'SearchService', weight: 9, cpu: 48, memory: 60, hot: 'memory' },
  { name: 'OrderService', weight: 12, cpu: 42, memory: 46 },
  { name: 'PaymentService', weight: 8, cpu: 45, memory: 40 },
  { name: 'InventoryService', weight: 10, cpu: 35, memory: 52 },
  { name: 'NotificationService', weight: 7, cpu: 22, memory: 30 },
  { name: 'StorageService', weight: 8, cpu: 28, memory: 58 },
  { name: 'GeoService', weight: 6, cpu: 33, memory: 36 },
  { name: 'TicketService', weight: 7, cpu: 26, memory: 34 },
  { name: 'TimeService', weight: 0, cpu: 12, memory: 18, single: true },
];

/** Below this size the fleet is too small for every service to make sense. */
const FULL_FLEET = 30;

/** Minimum instances per service in a full fleet: hot ones need ≥ 3 so "most are hot" holds. */
function minimumOf(profile: ServiceProfile): number {
  if (profile.single) return 1;
  return profile.hot ? 3 : 2;
}

/**
 * Instance count per catalogue entry (same order) for a fleet of `total`,
 * uneven by weight and jittered by `random` so different seeds differ.
 */
export function allocateServices(total: number, random: Random): number[] {
  const counts = SERVICE_CATALOGUE.map(() => 0);
  if (total <= 0) return counts;
  const jittered = SERVICE_CATALOGUE.map((p) => p.weight * (0.75 + 0.5 * random()));
  let active: number[];
  if (total >= FULL_FLEET) {
    active = SERVICE_CATALOGUE.map((_, i) => i);
    SERVICE_CATALOGUE.forEach((p, i) => {
      counts[i] = minimumOf(p);
    });
  } else {
    // Small fleets: a few services with about three instances each, no singleton.
    const size = Math.min(Math.ceil(total / 3), SERVICE_CATALOGUE.length - 1);
    active = SERVICE_CATALOGUE.map((_, i) => i)
      .filter((i) => !SERVICE_CATALOGUE[i]?.single)
      .slice(0, size);
    for (const i of active) counts[i] = 1;
  }
  const assigned = counts.reduce((a, b) => a + b, 0);
  distribute(counts, active, jittered, total - assigned);
  return counts;
}

/** Largest-remainder apportionment of `extra` over `active` entries by weight (singletons excluded). */
function distribute(
  counts: number[],
  active: readonly number[],
  weights: readonly number[],
  extra: number,
): void {
  const growable = active.filter((i) => !SERVICE_CATALOGUE[i]?.single);
  const sum = growable.reduce((a, i) => a + (weights[i] ?? 0), 0);
  if (extra <= 0 || sum <= 0) return;
  const remainders: { index: number; rest: number }[] = [];
  let given = 0;
  for (const i of growable) {
    const exact = (extra * (weights[i] ?? 0)) / sum;
    const whole = Math.floor(exact);
    counts[i] = (counts[i] ?? 0) + whole;
    given += whole;
    remainders.push({ index: i, rest: exact - whole });
  }
  remainders.sort((a, b) => b.rest - a.rest || a.index - b.index);
  for (let k = 0; k < extra - given; k++) {
    const target = remainders[k % remainders.length];
    if (target) counts[target.index] = (counts[target.index] ?? 0) + 1;
  }
}
