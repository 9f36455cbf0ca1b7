import { nothingUsable } from '../../core/instances.ts';
import { healthOf, summarizeServices } from '../../core/services.ts';
import { renderHealth } from '../../render/index.ts';
import { EXIT } from '../exit-codes.ts';
import { reportNothingUsable, scanRows } from '../fleet-scan.ts';
import { renderOptions } from '../render-options.ts';
import type { Context } from '../run.ts';

/** `fleetmon health`: every service against the healthy-instance quorum; exit 1 if any is flagged. */
export async function runHealth(ctx: Context): Promise<number> {
  const rows = await scanRows(ctx);
  const health = healthOf(summarizeServices(rows, ctx.settings.rules), ctx.settings.rules);
  ctx.io.stdout.write(renderHealth(health, renderOptions(ctx)));
  const nothing = nothingUsable(rows);
  if (nothing !== undefined) return reportNothingUsable(ctx, nothing);
  return health.some((row) => row.status === 'flagged') ? EXIT.flagged : EXIT.ok;
}
