import type { Retention } from '../retention.ts';
import type { SqlTx } from './driver.ts';
import { doneUntil, TIER_NUMBER } from './rollup.ts';

// Rows removed per table per batch: small enough that one batch takes milliseconds.
const SCANS_PER_BATCH = 50;
const BUCKETS_PER_BATCH = 60;
const ROWS_PER_BATCH = 1000;

/**
 * Removes one small batch of what retention no longer keeps. Raw samples and minutes are kept
 * until they are rolled up, whatever their age, so pruning never loses a sample a rollup needs.
 */
export async function pruneBatch(
  tx: SqlTx,
  now: number,
  retention: Retention,
): Promise<{ more: boolean }> {
  let more = false;
  const minuteDone = await doneUntil(tx, 'minute');
  const hourDone = await doneUntil(tx, 'hour');

  const rawCutoff = Math.min(now - retention.raw, minuteDone);
  const oldScans = await tx.all<{ ts: number }>(
    'SELECT ts FROM scans WHERE ts < ? ORDER BY ts LIMIT ?',
    [rawCutoff, SCANS_PER_BATCH],
  );
  if (oldScans.length > 0) {
    const until = Number(oldScans[oldScans.length - 1]?.ts) + 1;
    await tx.run('DELETE FROM raw_samples WHERE ts < ?', [until]);
    await tx.run('DELETE FROM scans WHERE ts < ?', [until]);
    more ||= oldScans.length === SCANS_PER_BATCH;
  }

  for (const [tier, cutoff, width] of [
    ['minute', Math.min(now - retention.minute, hourDone), 60_000],
    ['hour', now - retention.hour, 3_600_000],
  ] as const) {
    const number = TIER_NUMBER[tier];
    const [oldest] = await tx.all<{ b: number | null }>(
      'SELECT MIN(bucket) AS b FROM service_rollups WHERE tier = ?',
      [number],
    );
    if (oldest?.b === null || oldest?.b === undefined || Number(oldest.b) >= cutoff) continue;
    const until = Math.min(cutoff, Number(oldest.b) + BUCKETS_PER_BATCH * width);
    await tx.run('DELETE FROM service_rollups WHERE tier = ? AND bucket < ?', [number, until]);
    await tx.run('DELETE FROM instance_rollups WHERE tier = ? AND bucket < ?', [number, until]);
    more ||= until < cutoff;
  }

  more ||= await deleteOldest(tx, 'events', now - retention.events);
  more ||= await deleteOldest(tx, 'probe_results', now - retention.probes);

  // Instances and services gone for longer than the longest tier keeps are referred to by nothing.
  const forgotten = now - retention.hour;
  const gone = await tx.all<{ id: number }>(
    'SELECT id FROM instances WHERE gone_at < ? ORDER BY gone_at LIMIT ?',
    [forgotten, ROWS_PER_BATCH],
  );
  if (gone.length > 0) {
    const ids = gone.map((row) => Number(row.id));
    const list = ids.map(() => '?').join(', ');
    await tx.run(`DELETE FROM instance_services WHERE instance_id IN (${list})`, ids);
    await tx.run(`DELETE FROM instances WHERE id IN (${list})`, ids);
    more ||= gone.length === ROWS_PER_BATCH;
  }
  await tx.run('DELETE FROM services WHERE gone_at < ?', [forgotten]);
  return { more };
}

/** Deletes about a batch of the oldest rows of `table` (by `ts`) before `cutoff`; true when more are left. */
async function deleteOldest(tx: SqlTx, table: string, cutoff: number): Promise<boolean> {
  const rows = await tx.all<{ ts: number }>(
    `SELECT ts FROM ${table} WHERE ts < ? ORDER BY ts LIMIT ?`,
    [cutoff, ROWS_PER_BATCH],
  );
  const last = rows[rows.length - 1];
  if (last === undefined) return false;
  // The batch's rows, and any others sharing its last time.
  await tx.run(`DELETE FROM ${table} WHERE ts <= ?`, [Number(last.ts)]);
  return rows.length === ROWS_PER_BATCH;
}
