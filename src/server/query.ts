import { SORT_FIELDS, type SortSpec } from '../core/instances.ts';
import { parseTimePoint, resolveTimePoint, TIME_POINT_FORMS } from '../core/time-point.ts';
import type { InstanceStatus } from '../core/types.ts';

/** A query parameter that did not parse; becomes a 400 with this message. */
export class BadQuery extends Error {
  override readonly name = 'BadQuery';
}

const STATUSES: readonly InstanceStatus[] = ['healthy', 'unhealthy', 'unreachable'];

/** `?x=a&x=b` and `?x=a,b` alike; `undefined` when absent or empty. */
export function listParam(values: readonly string[] | undefined): string[] | undefined {
  const items = (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim());
  const kept = items.filter((v) => v !== '');
  return kept.length > 0 ? kept : undefined;
}

/** `?status=healthy,unreachable`. */
export function statusParam(values: readonly string[] | undefined): InstanceStatus[] | undefined {
  return listParam(values)?.map((value) => {
    const found = STATUSES.find((s) => s === value.toLowerCase());
    if (found === undefined) {
      throw new BadQuery(`status "${value}" is not valid; expected one of ${STATUSES.join(', ')}`);
    }
    return found;
  });
}

/** `?sort=cpu` ascending, `?sort=-cpu` descending; IP order by default, like the CLI. */
export function sortParam(value: string | undefined): SortSpec {
  const text = value?.trim() || 'ip';
  const descending = text.startsWith('-');
  const name = descending ? text.slice(1) : text;
  const field = SORT_FIELDS.find((f) => f === name);
  if (field === undefined) {
    throw new BadQuery(
      `sort "${text}" is not valid; expected one of ${SORT_FIELDS.join(', ')}, prefixed by - for descending`,
    );
  }
  return { field, descending };
}

/** `?members=N`: at most N busiest instances by cpu and N by memory; absent means all. */
export function limitParam(value: string | undefined): number | undefined {
  const text = value?.trim() ?? '';
  if (text === '') return undefined;
  const n = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1))
    throw new BadQuery(`members "${text}" is not valid; expected a whole number from 1`);
  return n;
}

/** `?from=`, `?to=`, `?since=`: a time, epoch ms, `now` or a duration back (`6h`); `undefined` when absent. */
export function timeParam(
  value: string | undefined,
  name: string,
  now: number,
): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const point = parseTimePoint(value);
  if (point === null)
    throw new BadQuery(`${name} "${value}" is not valid; expected ${TIME_POINT_FORMS}`);
  return resolveTimePoint(point, now);
}
