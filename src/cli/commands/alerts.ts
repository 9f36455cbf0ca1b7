import { alertRow, NOT_MUTED } from '../../alert/alert.ts';
import { alertRows } from '../../alert/api-schemas.ts';
import { compileAlertConfig } from '../../alert/compile.ts';
import { AlertEvaluator } from '../../alert/evaluator.ts';
import { maintenanceFor } from '../../alert/maintenance.ts';
import type { CommandOptions } from '../../config/command-options.ts';
import type { AlertRow, AlertState } from '../../core/alert-types.ts';
import { FleetmonError } from '../../core/errors.ts';
import { healthOf, summarizeServices } from '../../core/services.ts';
import { renderAlerts } from '../../render/index.ts';
import { EXIT } from '../exit-codes.ts';
import { scanRows } from '../fleet-scan.ts';
import { renderOptions } from '../render-options.ts';
import type { Context } from '../run.ts';
import { readServe, serveTarget } from './serve-api.ts';

/**
 * `fleetmon alerts`: the alerts of a running `serve` (`--server`), or, with only `--api`, the
 * rules evaluated once over a scan made now. Exits 1 when any alert is firing, like `health`.
 */
export async function runAlerts(ctx: Context, options: CommandOptions<'alerts'>): Promise<number> {
  const states: AlertState[] = options.state.length > 0 ? options.state : ['firing', 'pending'];
  let rows: AlertRow[];
  let note: string;
  if (options.server !== undefined) {
    rows = await readServe(
      serveTarget(ctx, options),
      `api/v1/alerts?state=${states.join(',')}`,
      alertRows,
    );
    note = `from ${options.server}`;
  } else if (ctx.settings.api !== undefined) {
    rows = (await evaluateOnce(ctx)).filter((row) => states.includes(row.state));
    note =
      'evaluated once over a scan made now: rules that need several evaluations show as pending (--server asks a running serve)';
  } else {
    throw new FleetmonError(
      'usage',
      'no serve to ask and no provider to scan',
      'pass --server URL (or FLEETMON_SERVER) to ask a running fleetmon serve, or --api to evaluate the rules once over a scan',
    );
  }
  ctx.io.stdout.write(renderAlerts(rows, renderOptions(ctx), ctx.clock.wallNow(), note));
  return rows.some((row) => row.state === 'firing') ? EXIT.flagged : EXIT.ok;
}

/** One evaluation of the configured rules over one scan: what would be pending or firing now. */
async function evaluateOnce(ctx: Context): Promise<AlertRow[]> {
  const { rules: health } = ctx.settings;
  const config = compileAlertConfig(ctx.config?.sections.alerts, ctx.config?.sections.maintenance, {
    health,
    secret: ctx.secret,
  });
  const evaluator = new AlertEvaluator(config.enabled ? config.rules : []);
  const instances = await scanRows(ctx);
  const services = summarizeServices(instances, health);
  const now = ctx.clock.wallNow();
  evaluator.observeScan(
    { scannedAt: now, instances, services, health: healthOf(services, health) },
    now,
  );
  return [...evaluator.alerts()].map((alert) => {
    const window = maintenanceFor(config.maintenance, alert.labels, now);
    return alertRow(
      alert,
      window === undefined ? NOT_MUTED : { silencedBy: [], maintenance: window.name },
    );
  });
}
