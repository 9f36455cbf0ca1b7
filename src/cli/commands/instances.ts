import type { CommandOptions } from '../../config/command-options.ts';
import { filterInstances, nothingUsable, sortInstances } from '../../core/instances.ts';
import { renderInstances } from '../../render/index.ts';
import { checkServicesExist, reportNothingUsable, scanRows } from '../fleet-scan.ts';
import { renderOptions } from '../render-options.ts';
import type { Context } from '../run.ts';

/** `fleetmon instances`: every instance with its status, filtered and sorted. */
export async function runInstances(
  ctx: Context,
  options: CommandOptions<'instances'>,
): Promise<number> {
  const rows = await scanRows(ctx);
  const services = options.service.length > 0 ? options.service : undefined;
  const statuses = options.status.length > 0 ? options.status : undefined;
  const nothing = nothingUsable(rows);
  if (services !== undefined && nothing === undefined) checkServicesExist(rows, services);
  const shown = sortInstances(filterInstances(rows, { services, statuses }), options.sort);
  ctx.io.stdout.write(renderInstances(shown, renderOptions(ctx)));
  return reportNothingUsable(ctx, nothing);
}
