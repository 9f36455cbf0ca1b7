import type { InstanceHistory } from '../store/history.ts';

/**
 * The `limit` members with the highest latest cpu plus the `limit` with the highest latest
 * memory, in their original order: what a chart of a 1,000-instance service can show.
 */
export function busiestMembers(
  members: readonly InstanceHistory[],
  limit: number,
): InstanceHistory[] {
  if (members.length <= limit) return [...members];
  const latest = (values: readonly (number | null)[]): number => {
    for (let i = values.length - 1; i >= 0; i--) {
      const v = values[i];
      if (typeof v === 'number') return v;
    }
    return -1;
  };
  const top = (metric: 'cpu' | 'memory') =>
    members
      .map((m, i) => [latest(m[metric]), i] as const)
      .sort((a, b) => b[0] - a[0] || a[1] - b[1])
      .slice(0, limit)
      .map(([, i]) => i);
  const keep = new Set([...top('cpu'), ...top('memory')]);
  return members.filter((_, i) => keep.has(i));
}
