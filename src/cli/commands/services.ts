import { matchServiceName, nothingUsable } from '../../core/instances.ts';
import { summarizeServices } from '../../core/services.ts';
import { renderServices } from '../../render/index.ts';
import { checkServicesExist, reportNothingUsable, scanRows } from '../fleet-scan.ts';
import { renderOptions } from '../render-options.ts';
import type { Context } from '../run.ts';

/** `fleetmon services [NAME...]`: per-service counts and mean load. */
export async function runServices(ctx: Context, names: readonly string[]): Promise<number> {
  const rows = await scanRows(ctx);
  const nothing = nothingUsable(rows);
  if (nothing === undefined) checkServicesExist(rows, names);
  const all = summarizeServices(rows, ctx.settings.rules);
  const shown =
    names.length === 0 ? all : all.filter((s) => names.some((n) => matchServiceName(s.service, n)));
  ctx.io.stdout.write(renderServices(shown, renderOptions(ctx)));
  return reportNothingUsable(ctx, nothing);
}
