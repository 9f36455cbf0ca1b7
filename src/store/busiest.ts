/**
 * The ids of the `limit` highest by cpu plus the `limit` highest by memory (ties by id), in
 * ascending id order: the lines a chart of a 1,000-instance service can show.
 */
export function pickBusiest(
  ids: readonly number[],
  cpu: readonly number[],
  memory: readonly number[],
  limit: number,
): number[] {
  if (ids.length <= limit) return [...ids].sort((a, b) => a - b);
  const top = (values: readonly number[]) =>
    ids
      .map((id, k) => [values[k] ?? 0, id] as const)
      .sort((a, b) => b[0] - a[0] || a[1] - b[1])
      .slice(0, limit)
      .map(([, id]) => id);
  return [...new Set([...top(cpu), ...top(memory)])].sort((a, b) => a - b);
}
