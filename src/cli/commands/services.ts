import { FleetmonError } from '../../core/errors.ts';
import { matchServiceName } from '../../core/instances.ts';
import { summarizeServices } from '../../core/services.ts';
import { renderServices } from '../../render/index.ts';
import { EXIT } from '../exit-codes.ts';
import { reportNothingUsable, scanRows } from '../fleet-scan.ts';
import { renderOptions } from '../render-options.ts';
import type { Context } from '../run.ts';

/** `fleetmon services [NAME...]`: per-service counts and mean load. */
export async function runServices(ctx: Context, names: readonly string[]): Promise<number> {
  const rows = await scanRows(ctx);
  const all = summarizeServices(rows, ctx.settings.rules);
  const known = all.flatMap((s) => (s.service === null ? [] : [s.service]));
  const missing = names.filter((name) => !known.some((service) => matchServiceName(service, name)));
  if (missing.length > 0 && !reportNothingUsable(ctx, rows)) {
    throw new FleetmonError(
      'input',
      `no service named ${missing.map((m) => `"${m}"`).join(', ')} in this fleet`,
      `known services: ${known.join(', ') || 'none'}`,
    );
  }
  const shown =
    names.length === 0 ? all : all.filter((s) => names.some((n) => matchServiceName(s.service, n)));
  ctx.io.stdout.write(renderServices(shown, renderOptions(ctx)));
  return reportNothingUsable(ctx, rows) ? EXIT.provider : EXIT.ok;
}
