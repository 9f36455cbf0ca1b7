import { toInstanceRow } from '../core/status.ts';
import type { InstanceRow } from '../core/types.ts';
import { scanFleet } from '../scan/scan.ts';
import { createProgressBar } from './progress.ts';
import type { Context } from './run.ts';

/** One full scan of the fleet as rows, with a progress bar on a terminal. */
export async function scanRows(ctx: Context): Promise<InstanceRow[]> {
  const { settings, io } = ctx;
  const connection = await ctx.connect();
  const progress = createProgressBar(io.stderr);
  try {
    const snapshot = await scanFleet(connection.client, {
      concurrency: settings.concurrency,
      deadlineMs: settings.deadlineMs,
      signal: ctx.signal,
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
 * A scan in which no listed instance answered tells the user nothing about the
 * fleet: DESIGN §3 gives it exit 3. Says so on stderr and returns true.
 */
export function reportNothingUsable(ctx: Context, rows: readonly InstanceRow[]): boolean {
  if (rows.length === 0 || rows.some((row) => row.status !== 'unreachable')) return false;
  const reasons = new Map<string, number>();
  for (const row of rows) reasons.set(row.error ?? '', (reasons.get(row.error ?? '') ?? 0) + 1);
  const [reason, count] = [...reasons].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  ctx.io.stderr.write(
    `fleetmon: none of ${rows.length} instances answered usable stats (${count}× ${reason}) (check the provider, or raise --timeout / --retries)\n`,
  );
  return true;
}
