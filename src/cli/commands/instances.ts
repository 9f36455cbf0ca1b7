import { oneOf } from '../../config/fields.ts';
import {
  filterInstances,
  SORT_FIELDS,
  type SortSpec,
  sortInstances,
} from '../../core/instances.ts';
import type { InstanceStatus } from '../../core/types.ts';
import { renderInstances } from '../../render/index.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFlag } from '../flag.ts';
import { reportNothingUsable, scanRows } from '../fleet-scan.ts';
import type { Invocation } from '../program.ts';
import { renderOptions } from '../render-options.ts';
import type { Context } from '../run.ts';

const STATUSES: readonly InstanceStatus[] = ['healthy', 'unhealthy', 'unreachable'];

/** `fleetmon instances`: every instance with its status, filtered and sorted. */
export async function runInstances(
  ctx: Context,
  _args: readonly string[],
  options: Invocation['options'],
): Promise<number> {
  const sort = parseSort(String(options.sort ?? 'ip'));
  const statuses = listOption(options.status)?.map((s) =>
    parseFlag('--status', s, oneOf(STATUSES)),
  );
  const services = listOption(options.service);
  const rows = await scanRows(ctx);
  const shown = sortInstances(filterInstances(rows, { services, statuses }), sort);
  ctx.io.stdout.write(renderInstances(shown, renderOptions(ctx)));
  return reportNothingUsable(ctx, rows) ? EXIT.provider : EXIT.ok;
}

/** `--sort cpu` ascending, `--sort -cpu` descending. */
function parseSort(text: string): SortSpec {
  const descending = text.startsWith('-');
  const field = parseFlag('--sort', descending ? text.slice(1) : text, oneOf(SORT_FIELDS));
  return { field, descending };
}

function listOption(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const items = value.map((v) => String(v).trim()).filter((v) => v !== '');
  return items.length > 0 ? items : undefined;
}
