import { FleetmonError } from '../core/errors.ts';
import { type NothingUsable, unknownServices } from '../core/instances.ts';
import { toInstanceRow } from '../core/status.ts';
import type { InstanceRow } from '../core/types.ts';
import { scanFleet } from '../scan/scan.ts';
import { EXIT } from './exit-codes.ts';
import { createProgressBar } from './progress.ts';
import type { Context } from './run.ts';

/** One full scan of the fleet as rows, with a progress bar on a terminal. */
export async function scanRows(ctx: Context): Promise<InstanceRow[]> {
  const { settings, io } = ctx;
  const connection = await ctx.connect();
  const progress = createProgressBar(io.stderr, ctx.clock);
  try {
    const snapshot = await scanFleet(connection.client, {
      concurrency: settings.concurrency,
      deadlineMs: settings.deadlineMs,
      signal: ctx.signal,
      clock: ctx.clock,
      onProgress: (p) => progress.update(p),
    });
    progress.clear();
    reportListWarnings(ctx, connection.client.lastListWarnings);
    return snapshot.readings.map((reading) => toInstanceRow(reading, settings.rules));
  } finally {
    progress.clear();
    await connection.close();
  }
}

/** What was odd about the `/servers` list (duplicates, non-IP entries): one stderr line each. */
export function reportListWarnings(ctx: Context, warnings: readonly string[]): void {
  for (const warning of warnings) ctx.io.stderr.write(`fleetmon: warning: /servers: ${warning}\n`);
}

/**
 * For a command that reads `/servers` again and again (`monitor`): reports the list's warnings
 * when they differ from the last ones reported, so a list that stays odd is one line, not one
 * per tick.
 */
export function listWarningsReporter(ctx: Context): (warnings: readonly string[]) => void {
  let last = '';
  return (warnings) => {
    const key = warnings.join('\n');
    if (key === last) return;
    last = key;
    reportListWarnings(ctx, warnings);
  };
}

/**
 * Says on stderr, once, that no listed instance answered usable stats, which the exit codes (docs/architecture.md §3)
 * make exit 3; returns the command's exit code (0 when something answered).
 */
export function reportNothingUsable(ctx: Context, nothing: NothingUsable | undefined): number {
  if (nothing === undefined) return EXIT.ok;
  ctx.io.stderr.write(
    `fleetmon: none of ${nothing.listed} instances answered usable stats (${nothing.count}× ${nothing.reason}) (check the provider, or raise --timeout / --retries)\n`,
  );
  return EXIT.provider;
}

/** Throws the input error for service names the fleet does not have, naming those it has. */
export function checkServicesExist(rows: readonly InstanceRow[], wanted: readonly string[]): void {
  const { missing, known } = unknownServices(rows, wanted);
  if (missing.length === 0) return;
  throw new FleetmonError(
    'input',
    `no service named ${missing.map((m) => `"${m}"`).join(', ')} in this fleet`,
    `known services: ${known.join(', ') || 'none'}`,
  );
}
