import type { Fleet } from './fleet.ts';
import type { Random } from './random.ts';

/** Which instances of the fleet `/servers` lists at a given time. */
export interface Roster {
  /** The listed IPs at `nowMs`, in listing order; the same array until the roster changes. */
  listedAt(nowMs: number): readonly string[];
  /** Whether `ip` is listed at `nowMs`. */
  has(ip: string, nowMs: number): boolean;
}

/** How the listed set changes over time. */
export interface ChurnSpec {
  /** Instances listed at any time. */
  readonly listed: number;
  /** 0..1: share of the listed instances replaced every `intervalMs`. */
  readonly churn: number;
  readonly intervalMs: number;
  /** Start of the first interval. */
  readonly startMs: number;
  readonly random: Random;
}

/** Pool size a churning roster of `listed` instances needs: as many again waiting to appear. */
export function poolSizeFor(listed: number, churn: number): number {
  return churn > 0 ? listed * 2 : listed;
}

/**
 * Lists the first `listed` instances of the fleet, then at every interval swaps a share of
 * them for instances not listed (each IP keeps its own service and load, so an instance
 * that comes back is the same instance). Deterministic in the seed and the number of
 * intervals elapsed; catching up after idle time replays every interval in order.
 */
export function createRoster(fleet: Fleet, spec: ChurnSpec): Roster {
  const present = fleet.ips.slice(0, spec.listed);
  if (spec.churn <= 0 || fleet.ips.length <= spec.listed) {
    const members = new Set(present);
    return { listedAt: () => present, has: (ip) => members.has(ip) };
  }
  const absent = fleet.ips.slice(spec.listed);
  const members = new Set(present);
  let epoch = 0;
  let listing: readonly string[] = present.slice();
  const perInterval = spec.churn * spec.listed;

  const advance = (nowMs: number): void => {
    const target = Math.floor((nowMs - spec.startMs) / spec.intervalMs);
    if (target <= epoch) return;
    for (; epoch < target; epoch++) {
      // The fractional part of `perInterval` is a coin flip, so 1.5 a second averages 1.5.
      let swaps = Math.floor(perInterval) + (spec.random() < perInterval % 1 ? 1 : 0);
      for (; swaps > 0; swaps--) {
        const i = Math.floor(spec.random() * present.length);
        const j = Math.floor(spec.random() * absent.length);
        const leaving = present[i] as string;
        const arriving = absent[j] as string;
        present[i] = arriving;
        absent[j] = leaving;
        members.delete(leaving);
        members.add(arriving);
      }
    }
    listing = present.slice();
  };

  return {
    listedAt(nowMs) {
      advance(nowMs);
      return listing;
    },
    has(ip, nowMs) {
      advance(nowMs);
      return members.has(ip);
    },
  };
}
